package dev.archivist.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;

/**
 * Small projects of the launcher tests' own, never this one: the launcher copied into {@code bin/}, a one-class
 * program ({@code demo.Main}, printing "whole jar") and jars with or without its main class.
 */
final class LauncherProjects {
    private LauncherProjects() {
    }

    /** {@code dir/bin/archivist}: the launcher, executable. */
    static Path copyLauncher(Path dir) throws Exception {
        Path launcher = Files.createDirectories(dir.resolve("bin")).resolve("archivist");
        Files.copy(LauncherTest.LAUNCHER, launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    /**
     * {@code demo.Main}'s source and an empty {@code pom.xml} in {@code dir}, both an hour old (so that a jar written
     * now is newer), and the class compiled into {@code dir/classes}; returns that class file.
     */
    static Path demoProgram(Path dir) throws Exception {
        Path source = Files.createDirectories(dir.resolve("src/main/java/demo")).resolve("Main.java");
        Files.writeString(source, "package demo; public class Main { public static void main(String[] a) {"
                + " System.out.println(\"whole jar\"); } }");
        Files.writeString(dir.resolve("pom.xml"), "<project/>");
        FileTime past = FileTime.from(Instant.now().minusSeconds(3600));
        Files.setLastModifiedTime(source, past);
        Files.setLastModifiedTime(dir.resolve("pom.xml"), past);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                source.toString())).isZero();
        return classes.resolve("demo/Main.class");
    }

    /** A jar with {@code mainClass} and {@code classFile} as {@code demo/Main.class}; both null: Maven's plain jar. */
    static void writeJar(Path jar, String mainClass, Path classFile) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            if (classFile != null) {
                out.putNextEntry(new JarEntry("demo/Main.class"));
                out.write(Files.readAllBytes(classFile));
                out.closeEntry();
            }
        }
    }

    /** Whether {@code command} is an executable in a folder of {@code PATH}. */
    static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
