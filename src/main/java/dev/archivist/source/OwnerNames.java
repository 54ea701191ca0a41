package dev.archivist.source;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The user and group names of owner ids, as {@code ls -l} and GNU tar show them (the system's user and group
 * databases, NSS included), looked up once per id: a backup of 100,000 files asks the system a handful of times. An
 * id without a name gives {@code ""}, as GNU tar writes it (its readers then show and restore the number). Not
 * thread-safe: one instance per archive writer.
 *
 * <p>Why reach into the JDK: Java's public API maps names to principals ({@code UserPrincipalLookupService}) but ids
 * to names only through a path ({@code Files.getOwner}), and the archive writer has the id the walker read relative
 * to its open folder, not a path it may trust. {@code sun.nio.fs.UnixUserPrincipals.fromUid}/{@code fromGid} are the
 * JDK's own {@code getpwuid_r}/{@code getgrgid_r} behind {@code Files.getOwner}. Without the jar's {@code Add-Opens}
 * (an embedding application) every name is {@code ""}, as before names were written.
 */
public final class OwnerNames {
    /** Names nothing: every id is written as a number only (shared: it keeps no cache). */
    public static final OwnerNames NONE = new OwnerNames(null, null);

    private static final MethodHandle FROM_UID;
    private static final MethodHandle FROM_GID;

    static {
        MethodHandle user = null;
        MethodHandle group = null;
        try {
            Class<?> c = Class.forName("sun.nio.fs.UnixUserPrincipals");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            MethodType type = MethodType.methodType(UserPrincipal.class, int.class);
            Class<?> userClass = Class.forName("sun.nio.fs.UnixUserPrincipals$User");
            Class<?> groupClass = Class.forName("sun.nio.fs.UnixUserPrincipals$Group");
            user = lookup.findStatic(c, "fromUid", MethodType.methodType(userClass, int.class)).asType(type);
            group = lookup.findStatic(c, "fromGid", MethodType.methodType(groupClass, int.class)).asType(type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            user = null; // not opened to us, or another JDK's classes: no names
        }
        FROM_UID = user;
        FROM_GID = group;
    }

    private final LongFunction<String> userLookup;
    private final LongFunction<String> groupLookup;
    private final Map<Long, String> users = new HashMap<>();
    private final Map<Long, String> groups = new HashMap<>();

    /** Names from {@code userLookup} and {@code groupLookup} ({@code ""} for none), each id asked once; not null. */
    public OwnerNames(LongFunction<String> userLookup, LongFunction<String> groupLookup) {
        this.userLookup = userLookup; // null only for NONE
        this.groupLookup = groupLookup;
    }

    /** The system's names, or {@link #NONE} where the JDK's lookup is not open to Archivist. */
    public static OwnerNames system() {
        if (FROM_UID == null) {
            return NONE;
        }
        return new OwnerNames(uid -> systemName(FROM_UID, uid), gid -> systemName(FROM_GID, gid));
    }

    /** The name of user {@code uid}, or {@code ""}. */
    public String user(long uid) {
        return userLookup == null ? "" : users.computeIfAbsent(uid, userLookup::apply);
    }

    /** The name of group {@code gid}, or {@code ""}. */
    public String group(long gid) {
        return groupLookup == null ? "" : groups.computeIfAbsent(gid, groupLookup::apply);
    }

    private static String systemName(MethodHandle lookup, long id) {
        if (id < 0 || id > 0xFFFFFFFFL) {
            return "";
        }
        try {
            String name = ((UserPrincipal) lookup.invokeExact((int) id)).getName();
            // the JDK names an id the system does not know by its number (signed): GNU tar leaves the name empty then
            boolean number = name == null || name.equals(Long.toString(id)) || name.equals(Integer.toString((int) id));
            return number ? "" : name;
        } catch (Throwable e) {
            return "";
        }
    }
}
