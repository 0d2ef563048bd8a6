# VG_SANITIZE=ON: build everything with AddressSanitizer + UBSan.
option(VG_SANITIZE "Build with -fsanitize=address,undefined" OFF)
if(VG_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
