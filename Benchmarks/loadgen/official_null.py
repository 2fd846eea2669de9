"""The official LoadGen (PyPI mlcommons-loadgen) with a null SUT that answers every sample at once, timed from
StartTest to its return. Same user.conf as `repro-bench loadgen` and the C++ null SUT (Benchmarks/loadgen/run
writes it). The SUT callback is Python, so part of the time is the binding's and Python's, which a C++ SUT does not
pay; the figure is what a Python harness sees.

usage: official_null.py SCENARIO USER_CONF OUTDIR
"""
import json
import os
import sys
import time

import mlperf_loadgen as lg

scenario, conf, outdir = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(outdir, exist_ok=True)
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
print(json.dumps({"seconds": time.monotonic() - t0}))
