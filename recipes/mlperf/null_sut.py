#!/usr/bin/env python3
"""An external null SUT for repro's LoadGen: it computes nothing and answers like a device of fixed throughput,
one sample at a time, each taking 1/RATE seconds. Its answer for a sample is the sample's index as 4 little-endian
bytes. It speaks repro's external-SUT protocol (docs/loadgen.md) on stdin/stdout.

usage: null_sut.py [--rate SAMPLES_PER_SECOND] [--name NAME]
"""
import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the recipes folder
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import external_sut  # recipes/lib, put on the path above

parser = argparse.ArgumentParser()
parser.add_argument("--rate", type=float, default=1000.0)
parser.add_argument("--name", default="NullSUT")
args = parser.parse_args()

period = 1.0 / args.rate
next_time = time.monotonic()


def due(pending):
    """A sample starts when the device is free and the sample is there, and takes one period. Samples that finish
    within a millisecond of the first are answered together (one line), so high rates keep up."""
    global next_time
    next_time = max(next_time, time.monotonic()) + period
    batch = [pending.popleft()]
    horizon = next_time + 0.001
    while pending and next_time + period <= horizon:
        next_time += period
        batch.append(pending.popleft())
    return batch


def worker(sut):
    while True:
        batch = sut.take(due)
        if batch is None:
            return
        delay = next_time - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        sut.answer([(i, x.to_bytes(4, "little")) for i, x in batch])


external_sut.ExternalSUT(args.name).serve(worker)
