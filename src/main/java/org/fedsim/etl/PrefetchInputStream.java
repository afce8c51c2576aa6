package org.fedsim.etl;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads another stream ahead in a background thread, in big chunks, so that reading (and gzip inflating) overlaps
 * with parsing on the second core. Memory is fixed: {@code chunks} buffers of {@code chunkSize} bytes, recycled.
 * An {@link IOException} of the source (a truncated gzip, say) is thrown by {@link #read} in the consumer thread,
 * after every byte that came before it has been handed over, so the consumer knows exactly where it happened.
 */
final class PrefetchInputStream extends InputStream {
  private record Chunk(byte[] data, int length, IOException error) {}

  private static final Chunk END = new Chunk(new byte[0], 0, null);

  private final InputStream source;
  private final BlockingQueue<Chunk> full;
  private final BlockingQueue<byte[]> free;
  private final Thread reader;
  private Chunk current;
  private int pos;
  private boolean done;
  private IOException failure; // the source's error, thrown again by every later read

  PrefetchInputStream(InputStream source, int chunkSize, int chunks) {
    this.source = source;
    this.full = new ArrayBlockingQueue<>(chunks + 1);
    this.free = new ArrayBlockingQueue<>(chunks);
    for (int i = 0; i < chunks; i++) free.add(new byte[chunkSize]);
    this.reader = new Thread(this::fill, "etl-read");
    reader.setDaemon(true);
    reader.start();
  }

  private void fill() {
    try {
      while (true) {
        byte[] buf = free.take();
        int n = 0;
        boolean eof = false;
        try {
          while (n < buf.length) {
            int r = source.read(buf, n, buf.length - n);
            if (r < 0) {
              eof = true;
              break;
            }
            n += r;
          }
        } catch (IOException e) {
          if (n > 0) full.put(new Chunk(buf, n, null));
          full.put(new Chunk(null, 0, e));
          return;
        }
        if (n > 0) full.put(new Chunk(buf, n, null));
        if (eof) {
          full.put(END);
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed by the consumer
    }
  }

  private boolean advance() throws IOException {
    if (failure != null) throw failure;
    if (done) return false;
    if (current != null && current.data != null && current != END) free.offer(current.data);
    try {
      current = full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading");
    }
    pos = 0;
    if (current.error != null) {
      failure = current.error;
      throw failure;
    }
    if (current == END) {
      done = true;
      return false;
    }
    return true;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    while (current == null || pos == current.length) {
      if (!advance()) return -1;
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current.data, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public void close() throws IOException {
    reader.interrupt();
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    source.close();
  }
}
