package dev.vectraguard.nativecore;

import java.util.List;
import java.util.Objects;

/** Checks for strings that become C strings: a NUL inside would silently cut them short. */
final class NativeStrings {

    private NativeStrings() {}

    static void check(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character: " + value.replace('\0', '?'));
        }
    }

    static void checkNullable(String what, String value) {
        if (value != null) {
            check(what, value);
        }
    }

    static List<String> checkAll(String what, List<String> values) {
        List<String> copy = List.copyOf(values);
        for (int i = 0; i < copy.size(); i++) {
            check(what + "[" + i + "]", copy.get(i));
        }
        return copy;
    }
}
