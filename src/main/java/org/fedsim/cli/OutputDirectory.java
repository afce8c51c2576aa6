package org.fedsim.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.fedsim.scenario.ScenarioException;

/**
 * An output directory a command writes into: made if missing (a path that is a file, or cannot be made, is bad
 * input, said before any work), and locked while the command writes, so that a second fedsim (a {@code --resume} of
 * a run still going, a {@code report} of it) is refused instead of writing into the same files. The lock is an OS
 * file lock on {@value #LOCK_FILE} (an empty hidden file that stays): it goes with the process, even when the
 * process is killed.
 */
final class OutputDirectory implements AutoCloseable {
  static final String LOCK_FILE = ".fedsim.lock";

  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;

  /** Says how to go on when the JVM ends (Ctrl-C, SIGTERM) while the directory is held and a round is saved. */
  private final Thread resumeHint;

  private OutputDirectory(Path lockFile, FileChannel channel, FileLock lock) {
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
    Path dir = lockFile.getParent();
    this.resumeHint = new Thread(() -> {
      if (org.fedsim.metrics.RunCheckpoints.holdsRound(dir)) {
        System.err.println("\nfedsim: stopped; go on from the last finished round with: fedsim run --resume " + dir);
      }
    }, "fedsim-resume-hint");
    Runtime.getRuntime().addShutdownHook(resumeHint);
  }

  /** Fails unless {@code dir} is a directory or can be made one ({@code flag}: how the user named it). */
  static void check(Path dir, String flag) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ScenarioException(flag + " " + dir + ": exists and is not a directory");
    }
    Path existing = dir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    if (existing != null && !Files.isDirectory(existing)) {
      throw new ScenarioException(flag + " " + dir + ": cannot be made, " + existing + " is not a directory");
    }
    if (existing != null && !Files.isWritable(existing)) {
      throw new ScenarioException(flag + " " + dir + ": cannot be made or written, " + existing + " is not writable");
    }
  }

  /** Makes {@code dir} if needed and locks it for this process, or says who holds it. */
  static OutputDirectory lock(Path dir, String flag) {
    check(dir, flag);
    Path file = dir.resolve(LOCK_FILE);
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException inThisJvm) {
        lock = null;
      }
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new ScenarioException(dir + " is in use by another fedsim" + (holder.isEmpty() ? "" : " (" + holder + ")")
            + ": wait for it to finish, or stop it first");
      }
      channel.truncate(0);
      channel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
      return new OutputDirectory(file, channel, lock);
    } catch (IOException e) {
      try {
        if (channel != null) channel.close();
      } catch (IOException ignored) {
        // the error below says what went wrong
      }
      throw new ScenarioException(flag + " " + dir + ": cannot write there: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(resumeHint);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs (or ran) and says how to go on
    }
    try { // the file stays: deleting it could let two processes lock two files of one name
      channel.truncate(0);
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the lock goes with the channel, or with the process
    }
  }
}
