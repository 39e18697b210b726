package dev.ganforge.plugin.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * An entry of an image folder that the {@code image-folder} dataset does not read, and why.
 *
 * @param path the file or folder
 * @param kind why it is not read
 */
record SkippedEntry(Path path, Kind kind) {

    /** Examples named per kind in {@link #summary}; more are shown as "…". */
    private static final int EXAMPLES = 3;

    /** Why an entry is not read. */
    enum Kind {
        /** A folder the ignore rule matches: hidden (name starts with '.') or {@code __MACOSX}. */
        SYSTEM_FOLDER("hidden or system folder", "hidden or system folders"),
        /**
         * A file the ignore rule matches: hidden ({@code .DS_Store}, AppleDouble {@code ._*}),
         * {@code Thumbs.db} or {@code desktop.ini}.
         */
        SYSTEM_FILE("hidden or system file", "hidden or system files"),
        /** A file directly under the root, outside every class folder. */
        ROOT_FILE("file directly under the root", "files directly under the root"),
        /** A file in a class folder without an image extension. */
        NON_IMAGE_FILE("non-image file", "non-image files"),
        /** A folder inside a class folder; class folders are not searched recursively. */
        NESTED_FOLDER("folder inside a class folder", "folders inside class folders");

        private final String one;
        private final String many;

        Kind(String one, String many) {
            this.one = one;
            this.many = many;
        }
    }

    /**
     * The ignore rule: names that archive tools and file browsers put next to the images.
     *
     * @param name a file or folder name
     * @param folder whether it is a folder
     * @return true for names starting with '.', the folder {@code __MACOSX}, and the files {@code
     *     Thumbs.db} and {@code desktop.ini} (these two ignoring case, as Windows does)
     */
    static boolean isSystemName(String name, boolean folder) {
        if (name.startsWith(".")) {
            return true;
        }
        return folder
                ? name.equals("__MACOSX")
                : name.equalsIgnoreCase("Thumbs.db") || name.equalsIgnoreCase("desktop.ini");
    }

    /**
     * @param entries skipped entries, any order
     * @return one line naming the count of each kind with up to three examples, e.g. {@code skipped
     *     1 hidden or system folder (__MACOSX) and 3 non-image files (.txt)}; empty when there are
     *     none
     */
    static String summary(List<SkippedEntry> entries) {
        return entries.isEmpty() ? "" : "skipped " + describe(entries);
    }

    /**
     * @param entries skipped entries, at least one, any order
     * @return the count of each kind with up to three examples, e.g. {@code 1 hidden or system
     *     folder (__MACOSX) and 3 non-image files (.txt)}
     */
    static String describe(List<SkippedEntry> entries) {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        Map<Kind, TreeSet<String>> examples = new EnumMap<>(Kind.class);
        for (SkippedEntry entry : entries) {
            counts.merge(entry.kind(), 1, Integer::sum);
            examples.computeIfAbsent(entry.kind(), kind -> new TreeSet<>()).add(entry.example());
        }
        List<String> parts = new ArrayList<>();
        counts.forEach(
                (kind, count) -> {
                    List<String> names = new ArrayList<>(examples.get(kind));
                    String shown =
                            String.join(", ", names.subList(0, Math.min(EXAMPLES, names.size())))
                                    + (names.size() > EXAMPLES ? ", …" : "");
                    parts.add(
                            count + " " + (count == 1 ? kind.one : kind.many) + " (" + shown + ")");
                });
        String last = parts.remove(parts.size() - 1);
        return parts.isEmpty() ? last : String.join(", ", parts) + " and " + last;
    }

    /**
     * @return how the entry is named in a summary: AppleDouble files as {@code ._*}, other files by
     *     extension
     */
    private String example() {
        String name = path.getFileName().toString();
        if (kind == Kind.SYSTEM_FILE && name.startsWith("._")) {
            return "._*";
        }
        int dot = name.lastIndexOf('.');
        return kind == Kind.NON_IMAGE_FILE && dot > 0
                ? name.substring(dot).toLowerCase(Locale.ROOT)
                : name;
    }
}
