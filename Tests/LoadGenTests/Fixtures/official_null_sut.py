"""Runs the official MLCommons LoadGen (PyPI `mlcommons-loadgen`) against a null SUT that answers every sample at
once with the 4-byte little-endian QSL index as its data. The Swift LoadGen tests run the same SUT and compare.

usage: official_null_sut.py SCENARIO MODE USER_CONF OUTDIR TOTAL PERFORMANCE [MODEL]
One test per process: LoadGen loads its built-in mlperf.conf only on the first FromConfig call of a process.
"""
import array
import sys

import mlperf_loadgen as lg

scenario, mode, user_conf, outdir, total, perf = sys.argv[1:7]
model = sys.argv[7] if len(sys.argv) > 7 else "resnet50"

settings = lg.TestSettings()
settings.scenario = getattr(lg.TestScenario, scenario)
settings.mode = getattr(lg.TestMode, mode)
settings.FromConfig(user_conf, model, scenario)

buffers = {}


def issue(samples):
    responses = []
    for s in samples:
        data = buffers.setdefault(s.index, array.array("B", s.index.to_bytes(4, "little")))
        address, _ = data.buffer_info()
        responses.append(lg.QuerySampleResponse(s.id, address, 4))
    lg.QuerySamplesComplete(responses)


def flush():
    pass


sut = lg.ConstructSUT(issue, flush)
qsl = lg.ConstructQSL(int(total), int(perf), lambda ids: None, lambda ids: None)
log = lg.LogSettings()
log.log_output.outdir = outdir
log.log_output.copy_summary_to_stdout = False
log.enable_trace = False
lg.StartTestWithLogSettings(sut, qsl, settings, log)
lg.DestroyQSL(qsl)
lg.DestroySUT(sut)
