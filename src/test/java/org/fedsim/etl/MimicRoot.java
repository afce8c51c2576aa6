package org.fedsim.etl;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small MIMIC-IV roots for tests; d_items is the real demo dictionary. */
final class MimicRoot {
  static final Path DEMO = Path.of("../shared/data/mimic-iv-demo-2.2");
  static final String ADMISSIONS_HEADER = "subject_id,hadm_id,admittime,dischtime,deathtime,admission_type,"
      + "admit_provider_id,admission_location,discharge_location,insurance,language,marital_status,race,edregtime,"
      + "edouttime,hospital_expire_flag";
  static final String CHART_V22 =
      "subject_id,hadm_id,stay_id,caregiver_id,charttime,storetime,itemid,value,valuenum,valueuom,warning";
  static final String CHART_V21 = "subject_id,hadm_id,stay_id,charttime,storetime,itemid,value,valuenum,valueuom,"
      + "warning";

  private MimicRoot() {}

  /** An admissions row: subject, hadm, admittime, race, flag. */
  static String admission(int subject, int hadm, String admittime, String race, int died) {
    String r = race.contains(",") ? "\"" + race + "\"" : race;
    return subject + "," + hadm + "," + admittime + ",,,URGENT,P1,ER,HOME,Other,ENGLISH,SINGLE," + r + ",,," + died;
  }

  /** A v2.2 chartevents row. */
  static String chart(int subject, int item, String valuenum) {
    return subject + ",2" + subject + ",3" + subject + ",111,2150-01-01 10:00:00,2150-01-01 10:05:00," + item + ","
        + valuenum + "," + valuenum + ",u,0";
  }

  /** Writes root/hosp/admissions, root/icu/d_items (the demo's) and root/icu/chartevents (.gz when asked). */
  static Path write(Path root, String admissions, String chartevents, boolean gzipChart) throws IOException {
    Files.createDirectories(root.resolve("hosp"));
    Files.createDirectories(root.resolve("icu"));
    Files.writeString(root.resolve("hosp/admissions.csv"), admissions, StandardCharsets.UTF_8);
    Files.copy(DEMO.resolve("icu/d_items.csv.gz"), root.resolve("icu/d_items.csv.gz"));
    if (gzipChart) {
      Files.write(root.resolve("icu/chartevents.csv.gz"), gzip(chartevents.getBytes(StandardCharsets.UTF_8)));
    } else {
      Files.writeString(root.resolve("icu/chartevents.csv"), chartevents, StandardCharsets.UTF_8);
    }
    return root;
  }

  static byte[] gzip(byte[] data) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(b)) {
      z.write(data);
    }
    return b.toByteArray();
  }

  static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }
}
