package org.fedsim.scenario;

import org.fedsim.data.CsvDatasetLoader;
import org.fedsim.data.CsvDatasetSettings;
import org.fedsim.data.Dataset;
import org.fedsim.data.SyntheticCohort;
import org.fedsim.data.SyntheticCohortSettings;

/** Where a run's rows come from. */
public sealed interface DatasetSpec {
  Dataset load();

  record Synthetic(SyntheticCohortSettings settings) implements DatasetSpec {
    @Override
    public Dataset load() {
      return SyntheticCohort.generate(settings);
    }
  }

  record Csv(CsvDatasetSettings settings) implements DatasetSpec {
    @Override
    public Dataset load() {
      return CsvDatasetLoader.load(settings);
    }
  }
}
