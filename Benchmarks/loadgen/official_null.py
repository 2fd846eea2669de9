"""The official LoadGen (PyPI mlcommons-loadgen) with a null SUT that answers every sample at once, timed from
StartTest to its return. Same settings as `repro-bench loadgen`. The SUT callback is Python, so part of the
time is the binding's and Python's, which a C++ SUT would not pay; the figure is what a Python harness sees.

usage: official_null.py SCENARIO QUERIES OUTDIR
"""
import json
import os
import sys
import time

import mlperf_loadgen as lg

scenario, queries, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(outdir, exist_ok=True)
conf = os.path.join(outdir, "user.conf")
with open(conf, "w") as f:
    f.write(f"""*.SingleStream.min_duration = 0
*.SingleStream.min_query_count = {queries}
resnet50.SingleStream.target_latency = 0.001
*.Offline.min_duration = 0
resnet50.Offline.min_query_count = {queries}
*.Server.min_duration = 0
*.Server.min_query_count = {queries}
resnet50.Server.target_qps = 1000000
""")
settings = lg.TestSettings()
settings.scenario = getattr(lg.TestScenario, scenario)
settings.mode = lg.TestMode.PerformanceOnly
settings.FromConfig(conf, "resnet50", scenario)


def issue(samples):
    lg.QuerySamplesComplete([lg.QuerySampleResponse(s.id, 0, 0) for s in samples])


sut = lg.ConstructSUT(issue, lambda: None)
qsl = lg.ConstructQSL(50000, 1024, lambda ids: None, lambda ids: None)
log = lg.LogSettings()
log.log_output.outdir = outdir
log.log_output.copy_summary_to_stdout = False
log.enable_trace = False
t0 = time.monotonic()
lg.StartTestWithLogSettings(sut, qsl, settings, log)
seconds = time.monotonic() - t0
count = 0
with open(os.path.join(outdir, "mlperf_log_detail.txt")) as f:
    for line in f:
        entry = json.loads(line[len(":::MLLOG "):])
        if entry["key"] == "result_query_count":
            count = entry["value"]
print(json.dumps({"seconds": seconds, "queries": count}))
