package dev.archivist;

import dev.archivist.config.Globs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What {@code --path} selects: the entries a glob matches, and everything inside a folder one matches, as
 * {@code tar -x photos} and {@code restic restore --include /photos} do ({@code --path photos} gave an empty folder).
 * A leading {@code /} or {@code ./} stands for the storage root, as in the excludes; a trailing {@code /} is ignored,
 * as entry paths are matched without theirs. It remembers which globs matched some entry, so that one matching
 * nothing fails a restore or a listing as GNU tar's "Not found in archive" does.
 */
final class PathSelection implements Predicate<String> {
    private final List<String> globs;
    /** Per glob, its matchers: a {@code **}{@code /} also stands for no folder, as in excludes. */
    private final List<List<Predicate<String>>> matchers;
    private final boolean[] matched;

    PathSelection(List<String> globs) {
        for (String g : globs) {
            // "$DIR" unset in a script: never read as the whole folder, which '/' asks for; a glob of spaces is not
            // empty: it is the name of spaces that ls shows, and selects that entry as dump finds it
            if (g.isEmpty()) {
                throw new IllegalArgumentException("--path '" + g + "': empty; give / for the whole storage folder");
            }
            String why = Globs.problem(g);
            if (why != null) {
                throw new IllegalArgumentException("--path '" + g + "': bad glob: " + why);
            }
            // a usage error, as in BACKUP_STORAGE_EXCLUDE, not "nothing in the backup matches" after reading it
            why = Globs.parentFolderProblem(g);
            if (why != null) {
                throw new IllegalArgumentException("--path '" + g + "': " + why);
            }
        }
        this.globs = List.copyOf(globs);
        this.matchers = globs.stream().map(PathSelection::matchersOf).toList();
        this.matched = new boolean[globs.size()];
    }

    /**
     * The matchers of one glob: its own (a {@code **}{@code /} also standing for no folder), and the name it reads as
     * when taken as a line of {@code ls} ({@code new\nline}, {@code back\\slash}, {@code [draft].txt}), that very
     * name too, as {@code dump} takes it: a name copied from {@code ls} selects that entry, even where its characters
     * also make a glob ({@code [draft].txt} also selects {@code d.txt}, as with GNU tar's wildcards).
     */
    private static List<Predicate<String>> matchersOf(String glob) {
        List<Predicate<String>> all = new ArrayList<>(Globs.zeroFolderVariants(relative(glob).replaceAll("(?<=.)/+$", ""))
                .stream().map(Globs::matcher).toList());
        String shown = Printable.unescape(glob);
        if (shown.indexOf('\0') < 0) { // no name holds a NUL
            String name = Path.of(relative(shown).replaceAll("(?<=.)/+$", "")).toString(); // as test() normalizes
            all.add(path -> path.equals(name));
        }
        return all;
    }

    /**
     * The glob relative to the storage root: a leading {@code /} or {@code ./} means the root, as in
     * {@code BACKUP_STORAGE_EXCLUDE} ({@code --path /photos} matched nothing); the root itself is everything.
     */
    private static String relative(String glob) {
        String g = withoutRoot(Globs.singleSlashes(glob));
        return g.isEmpty() || g.equals(".") ? "**" : g;
    }

    /**
     * {@code globs} with the storage folder's absolute path taken as the storage root ({@code /srv/app/storage/photos}
     * is {@code /photos}), as the excludes take it: a path copied from the live folder selects what it names there.
     */
    static List<String> underStorageRoot(List<String> globs, Path storage) {
        String root = storage.toAbsolutePath().normalize() + "/";
        if (root.equals("/")) {
            return globs;
        }
        return globs.stream().map(g -> g.startsWith(root) ? "/" + g.substring(root.length())
                : g.equals(root.substring(0, root.length() - 1)) ? "/" : g).toList();
    }

    /** {@code path} without the leading {@code /} and {@code ./} that stand for the storage root. */
    static String withoutRoot(String path) {
        String p = path;
        while (p.startsWith("/") || p.startsWith("./")) {
            p = p.substring(p.startsWith("/") ? 1 : 2);
        }
        return p;
    }

    @Override
    public boolean test(String p) {
        if (globs.isEmpty()) {
            return true;
        }
        String rel = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        boolean selected = false;
        for (String q = rel; ; q = q.substring(0, q.lastIndexOf('/'))) {
            String path = Path.of(q).toString(); // normalized, as the JDK's matcher saw it
            for (int i = 0; i < matchers.size(); i++) {
                for (Predicate<String> m : matchers.get(i)) {
                    if (m.test(path)) {
                        matched[i] = true;
                        selected = true;
                    }
                }
            }
            if (selected || q.indexOf('/') < 0) {
                return selected;
            }
        }
    }

    /** The globs that matched no entry of the archive so far. */
    List<String> unmatched() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < globs.size(); i++) {
            if (!matched[i]) {
                out.add(globs.get(i));
            }
        }
        return out;
    }
}
