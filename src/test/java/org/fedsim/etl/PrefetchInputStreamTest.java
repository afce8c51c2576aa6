package org.fedsim.etl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The read-ahead stream: same bytes, the source's error after the bytes before it, and a prompt close. */
class PrefetchInputStreamTest {
  @Test
  void handsOverTheSameBytesInOrder() throws IOException {
    byte[] data = new byte[1_000_003];
    new Random(1).nextBytes(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = new PrefetchInputStream(new ByteArrayInputStream(data), 4096, 3)) {
      byte[] buf = new byte[777];
      int n;
      while ((n = in.read(buf, 0, buf.length)) > 0) out.write(buf, 0, n);
      assertEquals(-1, in.read());
    }
    assertArrayEquals(data, out.toByteArray());
  }

  @Test
  void theSourcesErrorComesAfterEveryByteBeforeIt() throws IOException {
    EOFException boom = new EOFException("Unexpected end of ZLIB input stream");
    InputStream failing = new InputStream() {
      int left = 10_000;

      @Override
      public int read() throws IOException {
        if (left-- > 0) return 'x';
        throw boom;
      }
    };
    try (InputStream in = new PrefetchInputStream(failing, 4096, 2)) {
      byte[] buf = new byte[3000];
      int total = 0, n;
      EOFException e = null;
      try {
        while ((n = in.read(buf, 0, buf.length)) > 0) total += n;
      } catch (EOFException thrown) {
        e = thrown;
      }
      assertEquals(10_000, total);
      assertSame(boom, e);
      assertThrows(IOException.class, () -> in.read()); // and nothing more after it
    }
  }

  @Test
  void closingBeforeTheEndStopsTheReaderThread() throws IOException, InterruptedException {
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 'y';
      }
    };
    InputStream in = new PrefetchInputStream(endless, 1024, 2);
    assertEquals('y', in.read());
    in.close();
    Thread.sleep(50);
    assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("etl-read")
        && t.isAlive()), "etl-read thread still running");
  }
}
