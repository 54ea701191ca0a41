package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The links on the live data's path a process running as root follows: root's own, and a user's to what that user
 * owns; not a user's link to what it does not own, anywhere on the path, nor one to a name that does not exist in a
 * folder it does not own. (Users' links are made as root with lchown: the test runs as root.)
 */
class LinkTrustTest {
    private static final int USER = 1234;
    @TempDir
    Path tmp;
    Path roots;
    Path users;

    @BeforeEach
    void foldersOfRootAndOfAUser() throws Exception {
        Assumptions.assumeTrue(CliProcess.runningAsRoot(), "links of another user are made with lchown, as root");
        roots = Files.createDirectories(tmp.resolve("roots"));
        Files.writeString(roots.resolve("root.db"), "root's");
        users = Files.createDirectories(tmp.resolve("users"));
        Files.setAttribute(users, "unix:uid", USER);
        Files.setAttribute(Files.writeString(users.resolve("real.db"), "theirs"), "unix:uid", USER);
    }

    private Path usersLink(String name, Path target) throws Exception {
        Path link = Files.createSymbolicLink(users.resolve(name), target);
        Files.setAttribute(link, "unix:uid", USER, LinkOption.NOFOLLOW_LINKS);
        return link;
    }

    @Test
    void aUsersLinkToWhatItDoesNotOwnIsNotFollowed() throws Exception {
        Path link = usersLink("app.db", roots.resolve("root.db"));

        assertThat(LinkTrust.untrustedLink(link)).startsWith(link + " is a symlink that uid 1234 owns, to what uid 0"
                + " owns: a process running as root does not follow it");
    }

    @Test
    void aUsersLinkHigherOnThePathIsJudgedToo() throws Exception {
        Files.createDirectories(roots.resolve("storage"));
        Path link = usersLink("data", roots);

        assertThat(LinkTrust.untrustedLink(link.resolve("storage"))).startsWith(link + " is a symlink that uid 1234");
    }

    @Test
    void aUsersDanglingLinkIsJudgedByTheFolderItsNameWouldBeMadeIn() throws Exception {
        assertThat(LinkTrust.untrustedLink(usersLink("gone.db", roots.resolve("new.db"))))
                .contains("to what uid 0 owns"); // the folder the name would be made in
        assertThat(LinkTrust.untrustedLink(usersLink("gone-too.db", users.resolve("new.db")))).isNull();
    }

    /** A chain of the user's links, through its own folder, to a name to be made in root's folder. */
    @Test
    void aChainOfLinksIsJudgedByWhereItEnds() throws Exception {
        usersLink("hop2", roots.resolve("created-by-user.db"));
        Path link = usersLink("app.db", users.resolve("hop2"));

        assertThat(LinkTrust.untrustedLink(link)).startsWith(link + " is a symlink that uid 1234 owns, to what uid 0");
        Path viaRoots = Files.createSymbolicLink(roots.resolve("to-users"), users.resolve("real.db"));
        assertThat(LinkTrust.untrustedLink(usersLink("through-roots.db", viaRoots))).as("ends at the user's own file")
                .isNull();
    }

    /**
     * {@code .} then {@code ..} in a link's text: the kernel goes up from the folder it is in, as resolution does
     * here (read as text, {@code u/./..} stayed in {@code u}, one folder short, and a user's link into root's folders
     * passed for one into its own).
     */
    @Test
    void dotsInALinksTextAreResolvedAsTheKernelResolvesThem() throws Exception {
        Files.createDirectories(users.resolve("u/roots"));
        Files.setAttribute(users.resolve("u"), "unix:uid", USER);
        Files.setAttribute(users.resolve("u/roots"), "unix:uid", USER);
        Path link = usersLink("storage", Path.of("u/./.././.././roots"));

        assertThat(link.toRealPath()).isEqualTo(roots.toRealPath());
        assertThat(LinkTrust.untrustedLink(link)).startsWith(link + " is a symlink that uid 1234 owns, to what uid 0");
    }

    /**
     * A user's link into /proc: a process's root, cwd or fd links there lead where the kernel says, not where their
     * text does (a bind mount in a user's own namespace, a process made non-dumpable so that its links are root's).
     */
    @Test
    void aUsersLinkIntoProcIsNotFollowed() throws Exception {
        Path link = usersLink("via-proc", Path.of("/proc/1/root/etc"));

        assertThat(LinkTrust.untrustedLink(link)).isEqualTo(link + " is a symlink that uid 1234 owns, into /proc: a"
                + " process running as root does not follow it");
    }

    /**
     * A chain whose resolved path grows too long to look up (ENAMETOOLONG) while the kernel, following link by link,
     * still gets there: what cannot be checked after a user's link is not followed.
     */
    @Test
    void aUsersLinkToWhereThePathCannotBeCheckedIsNotFollowed() throws Exception {
        Path deep = users;
        for (int i = 0; i < 15; i++) { // 15 × 251 characters: the whole path passes PATH_MAX (4096) only below
            deep = Files.createDirectory(deep.resolve(String.valueOf((char) ('a' + i)).repeat(250)));
        }
        // made relative to the folder, as no path that long can name them: hop leads below it, esc to root's folder
        Process made = new ProcessBuilder("sh", "-c", "mkdir -p " + "M".repeat(250) + "/" + "M".repeat(250)
                + " && ln -s " + roots + " " + "M".repeat(250) + "/" + "M".repeat(250) + "/esc && ln -s "
                + "M".repeat(250) + "/" + "M".repeat(250) + "/esc hop").directory(deep.toFile()).inheritIO().start();
        assertThat(made.waitFor()).isZero();
        Path link = usersLink("storage", users.relativize(deep.resolve("hop")));
        try {
            assertThat(LinkTrust.untrustedLink(link)).startsWith(link + " is a symlink that uid 1234 owns, to where")
                    .contains("cannot be checked");
        } finally { // removed relative to the folder too: the temporary folder's clean-up goes by whole paths
            assertThat(new ProcessBuilder("rm", "-rf", "M".repeat(250), "hop").directory(deep.toFile()).start()
                    .waitFor()).isZero();
        }
    }

    @Test
    void rootsLinksAndAUsersLinksToItsOwnAreFollowed() throws Exception {
        assertThat(LinkTrust.untrustedLink(usersLink("app.db", users.resolve("real.db")))).isNull();
        Path rootsLink = Files.createSymbolicLink(users.resolve("volume.db"), roots.resolve("root.db"));
        assertThat(LinkTrust.untrustedLink(rootsLink)).isNull();
        assertThat(LinkTrust.untrustedLink(users.resolve("real.db"))).isNull();
        assertThat(LinkTrust.problem(usersLink("x.db", roots.resolve("root.db")))).as("as root").isNotNull();
    }
}
