#!/usr/bin/env python3
"""An external null SUT for repro's LoadGen: it computes nothing and answers like a device of fixed throughput,
one sample at a time, each taking 1/RATE seconds. Its answer for a sample is the sample's index as 4 little-endian
bytes. It speaks repro's external-SUT protocol (docs/loadgen.md) on stdin/stdout.

usage: null_sut.py [--rate SAMPLES_PER_SECOND] [--name NAME]
"""
import argparse
import collections
import sys
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--rate", type=float, default=1000.0)
parser.add_argument("--name", default="NullSUT")
args = parser.parse_args()

period = 1.0 / args.rate
pending = collections.deque()
ready = threading.Condition()
out_lock = threading.Lock()
done = False


def say(line):
    with out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def worker():
    next_time = time.monotonic()
    while True:
        with ready:
            while not pending and not done:
                ready.wait()
            if done and not pending:
                return
            # A sample starts when the device is free and the sample is there, and takes one period. Samples that
            # finish within a millisecond of the first are answered together (one line), so high rates keep up.
            next_time = max(next_time, time.monotonic()) + period
            batch = [pending.popleft()]
            horizon = next_time + 0.001
            while pending and next_time + period <= horizon:
                next_time += period
                batch.append(pending.popleft())
        delay = next_time - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        say("DONE " + " ".join("%s:%s" % (i, x.to_bytes(4, "little").hex().upper()) for i, x in batch))


threading.Thread(target=worker, daemon=True).start()
say("READY " + args.name)
for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "ISSUE":
        with ready:
            for item in words[1:]:
                sample_id, index = item.split(":")
                pending.append((sample_id, int(index)))
            ready.notify()
    elif words[0] == "LOAD":
        say("LOADED")
    elif words[0] == "END":
        break
with ready:
    done = True
    ready.notify()
