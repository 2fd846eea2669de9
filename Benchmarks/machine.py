#!/usr/bin/env python3
"""What every benchmark prints about the run: the date, the machine and how loaded it was.

A figure is only worth its circumstances: a 2-CPU machine shared with builds measures slower, so each benchmark
says the load average at its start and end (`python3 Benchmarks/machine.py start|end` from a shell script).
"""
import datetime
import os
import sys


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def load():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def start_line():
    now = datetime.datetime.now(datetime.timezone.utc)
    return f"  {now:%Y-%m-%d %H:%M} UTC; {cpu_model()}, {os.cpu_count()} CPUs; {load()} at the start"


def end_line():
    return f"  {load()} at the end"


if __name__ == "__main__":
    print(start_line() if sys.argv[1:] == ["start"] else end_line())
