package org.fedsim.etl;

import java.util.Arrays;

/**
 * Subject ids to dense indices 0..n-1 in insertion order: an open-addressing int hash (linear probing), so that
 * the chartevents loop looks a subject up without boxing. Sized once for the subjects of admissions.
 */
final class SubjectIndex {
  private final int[] keys;
  private final int[] slots;
  private final int mask;
  private final int[] ids;
  private int size;

  SubjectIndex(int capacity) {
    int cap = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1) << 1; // >= 2 * capacity, a power of two
    keys = new int[cap];
    slots = new int[cap];
    Arrays.fill(slots, -1);
    mask = cap - 1;
    ids = new int[Math.max(1, capacity)];
  }

  private int home(int key) {
    return (key * 0x9E3779B9) >>> 7 & mask;
  }

  /** The index of {@code id}, or -1. */
  int get(int id) {
    for (int h = home(id); ; h = (h + 1) & mask) {
      int s = slots[h];
      if (s < 0) return -1;
      if (keys[h] == id) return s;
    }
  }

  /** The index of {@code id}, added if new. */
  int add(int id) {
    int h = home(id);
    for (; slots[h] >= 0; h = (h + 1) & mask) if (keys[h] == id) return slots[h];
    if (size == ids.length) throw new IllegalStateException("SubjectIndex full at " + size);
    keys[h] = id;
    slots[h] = size;
    ids[size] = id;
    return size++;
  }

  int size() {
    return size;
  }

  /** The id at {@code index}. */
  int id(int index) {
    return ids[index];
  }
}
