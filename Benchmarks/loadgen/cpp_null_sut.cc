// repro's null SUT for the official C++ LoadGen (make bench builds it against the sources of PyPI's
// mlcommons-loadgen sdist, in the build folder): it answers every sample at once, on the thread that issues it, so
// the time is LoadGen's own, as repro-bench's Swift null SUT does for repro's LoadGen.
//
// usage: cpp_null_sut SCENARIO USER_CONF OUTDIR     prints {"seconds": S} (StartTest to its return)
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "loadgen.h"
#include "query_sample_library.h"
#include "system_under_test.h"
#include "test_settings.h"

namespace {

class NullSUT : public mlperf::SystemUnderTest {
 public:
  const std::string& Name() override { return name_; }
  void IssueQuery(const std::vector<mlperf::QuerySample>& samples) override {
    responses_.clear();
    for (const auto& s : samples) responses_.emplace_back(s.id, 0, 0);
    mlperf::QuerySamplesComplete(responses_.data(), responses_.size());
  }
  void FlushQueries() override {}

 private:
  std::string name_ = "NullSUT";
  std::vector<mlperf::QuerySampleResponse> responses_;
};

class NullQSL : public mlperf::QuerySampleLibrary {
 public:
  const std::string& Name() override { return name_; }
  size_t TotalSampleCount() override { return 50000; }
  size_t PerformanceSampleCount() override { return 1024; }
  void LoadSamplesToRam(const std::vector<mlperf::QuerySampleIndex>&) override {}
  void UnloadSamplesFromRam(const std::vector<mlperf::QuerySampleIndex>&) override {}

 private:
  std::string name_ = "NullQSL";
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s SCENARIO USER_CONF OUTDIR\n", argv[0]);
    return 2;
  }
  const std::string scenario = argv[1];
  mlperf::TestSettings settings;
  if (scenario == "SingleStream") {
    settings.scenario = mlperf::TestScenario::SingleStream;
  } else if (scenario == "MultiStream") {
    settings.scenario = mlperf::TestScenario::MultiStream;
  } else if (scenario == "Server") {
    settings.scenario = mlperf::TestScenario::Server;
  } else if (scenario == "Offline") {
    settings.scenario = mlperf::TestScenario::Offline;
  } else {
    std::fprintf(stderr, "unknown scenario %s\n", argv[1]);
    return 2;
  }
  settings.mode = mlperf::TestMode::PerformanceOnly;
  if (settings.FromConfig(argv[2], "resnet50", scenario) != 0) {
    std::fprintf(stderr, "cannot read %s\n", argv[2]);
    return 2;
  }
  mlperf::LogSettings log;
  log.log_output.outdir = argv[3];
  log.log_output.copy_summary_to_stdout = false;
  log.enable_trace = false;
  NullSUT sut;
  NullQSL qsl;
  const auto start = std::chrono::steady_clock::now();
  mlperf::StartTest(&sut, &qsl, settings, log);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("{\"seconds\": %.6f}\n", took.count());
  return 0;
}
