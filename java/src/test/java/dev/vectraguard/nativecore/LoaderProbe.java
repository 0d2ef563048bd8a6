package dev.vectraguard.nativecore;

/** Run in a fresh JVM by VgCoreLoaderTest: loads the core once and prints what happened. */
public final class LoaderProbe {

    private LoaderProbe() {}

    public static void main(String[] args) {
        System.out.println("available=" + NativeCore.available());
        System.out.println("reason=" + NativeCore.unavailableReason().orElse(""));
        System.out.println("path=" + VgCoreLoader.libraryPath().map(Object::toString).orElse(""));
        if (NativeCore.available()) {
            System.out.println("abi=" + vg_core_h.vg_abi_version());
        } else {
            try {
                NativeCore.probe();
                System.out.println("facade=no exception");
            } catch (IllegalStateException | NativeCoreException e) {
                System.out.println("facade=" + e.getMessage());
            }
        }
    }
}
