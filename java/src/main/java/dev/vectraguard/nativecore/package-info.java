/**
 * The only package of vg that touches {@code java.lang.foreign}: bindings for the C core
 * ({@code native/include/vg_core.h}) and a small facade over them.
 *
 * <p><b>Generated, in jextract's layout</b> (committed, since jextract is not available in every
 * build environment): {@code vg_core_h} and one class per struct ({@code vg_error},
 * {@code vg_features}, {@code vg_mount_op}, {@code vg_landlock_path_rule},
 * {@code vg_landlock_port_rule}, {@code vg_rlimit}, {@code vg_seccomp_arg}, {@code vg_seccomp_rule},
 * {@code vg_spawn_spec}, {@code vg_process}). Regenerate with
 * <pre>
 * jextract --target-package dev.vectraguard.nativecore --header-class-name vg_core_h \
 *     --output java/src/main/java -I native/include native/include/vg_core.h
 * </pre>
 * then keep two local choices: {@code vg_core_h.SYMBOL_LOOKUP} delegates to {@link
 * dev.vectraguard.nativecore.VgCoreLoader} (instead of {@code System.load} plus
 * {@code SymbolLookup.loaderLookup()}), and indexed accessors of array fields
 * ({@code vg_error.detail(struct, i)}, {@code vg_seccomp_rule.args(struct, i)}) pass the field's
 * offset as the base offset. {@code BindingsMatchHeaderTest} fails when header and bindings disagree.
 *
 * <p><b>Hand-written</b>: {@link dev.vectraguard.nativecore.VgCoreLoader} (finds and opens
 * libvgcore.so, checks its ABI version) and the facade the rest of vg uses without FFM types:
 * {@link dev.vectraguard.nativecore.NativeCore}, {@link dev.vectraguard.nativecore.SpawnRequest},
 * {@link dev.vectraguard.nativecore.NativeProcess}, {@link dev.vectraguard.nativecore.NativeCoreException}
 * and the value records.
 */
package dev.vectraguard.nativecore;
