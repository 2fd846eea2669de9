#!/usr/bin/env python3
"""Fetch: repro's downloader (SHA-256 computed while streaming) against the curl command line, both fetching
the same file from nginx on loopback in the same run; and repro's file hashing against sha256sum.

Both sides are timed the same way: the wall time of a whole process (repro-bench's download or sha256
command, curl, sha256sum), start-up included, measured here; the two take turns.
Usage: bench_fetch.py REPRO_BENCH [--size-mb 200] [--hash-gb 1] [--repeat 3]
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import machine  # noqa: E402


def timed(cmd):
    """Wall time of the whole process, and what it printed on stdout."""
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    return time.perf_counter() - t, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("--size-mb", type=int, default=200)
    ap.add_argument("--hash-gb", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print("fetch: repro against curl and sha256sum, each side timed as a whole process, taking turns")
    print(machine.start_line())
    work = tempfile.mkdtemp(prefix="repro-bench-fetch-")
    os.chmod(work, 0o755)  # nginx workers run as another user
    www = os.path.join(work, "www")
    os.makedirs(www)
    data = os.path.join(www, "data.bin")
    with open(data, "wb") as f:
        for _ in range(args.size_mb):
            f.write(os.urandom(1 << 20))
    expected = subprocess.run(["sha256sum", data], check=True, stdout=subprocess.PIPE, text=True).stdout.split()[0]
    conf = os.path.join(work, "nginx.conf")
    port = 18080 + os.getpid() % 1000
    with open(conf, "w") as f:
        f.write(f"""daemon off; worker_processes 1; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 64; }}
http {{ access_log off; sendfile on; tcp_nopush on;
  client_body_temp_path {work}/tmp; proxy_temp_path {work}/tmp; fastcgi_temp_path {work}/tmp;
  uwsgi_temp_path {work}/tmp; scgi_temp_path {work}/tmp;
  server {{ listen 127.0.0.1:{port}; root {www}; }} }}
""")
    os.makedirs(os.path.join(work, "tmp"))
    nginx = subprocess.Popen(["nginx", "-c", conf, "-p", work])
    try:
        url = f"http://127.0.0.1:{port}/data.bin"
        for _ in range(50):
            if subprocess.run(["curl", "-s", "-o", "/dev/null", url]).returncode == 0:
                break
            time.sleep(0.1)
        dest = os.path.join(work, "got.bin")
        repro_times, curl_times = [], []
        for _ in range(args.repeat):
            seconds, out = timed([args.bench, "download", url, dest, expected])
            assert json.loads(out)["sha256"] == expected, out
            repro_times.append(seconds)
            os.remove(dest)
            curl_times.append(timed(["curl", "-s", "-o", dest, url])[0])
            os.remove(dest)
        repro_t, curl_t = statistics.median(repro_times), statistics.median(curl_times)
        mb = args.size_mb * 1.048576
        print(f"download of {args.size_mb} MiB from nginx on loopback, whole processes, median of {args.repeat}:")
        print(f"  repro (sha256 while streaming): {mb / repro_t:8.0f} MB/s")
        print(f"  curl -o (no digest):            {mb / curl_t:8.0f} MB/s")
        print(f"  repro / curl throughput: {curl_t / repro_t:.2f}x (goal >= 0.95x)")
    finally:
        nginx.send_signal(signal.SIGTERM)
        nginx.wait()
    big = os.path.join(work, "big.bin")
    with open(big, "wb") as f:
        chunk = os.urandom(1 << 20)
        for _ in range(int(args.hash_gb * 1024)):
            f.write(chunk)
    subprocess.run(["cat", big], stdout=subprocess.DEVNULL)  # warm the page cache for both
    repro_times, sum_times = [], []
    for _ in range(args.repeat):
        seconds, out = timed([args.bench, "sha256", big])
        repro_times.append(seconds)
        seconds, theirs = timed(["sha256sum", big])
        sum_times.append(seconds)
        assert json.loads(out)["sha256"] == theirs.split()[0], (out, theirs)
    repro_t, sum_t = statistics.median(repro_times), statistics.median(sum_times)
    gb = args.hash_gb * 1.073741824
    print(f"SHA-256 of {args.hash_gb:g} GiB (page cache warm), whole processes, median of {args.repeat}:")
    print(f"  repro:     {gb * 1000 / repro_t:8.0f} MB/s")
    print(f"  sha256sum: {gb * 1000 / sum_t:8.0f} MB/s")
    print(f"  repro / sha256sum throughput: {sum_t / repro_t:.2f}x (goal >= 1.0x)")
    print(machine.end_line())
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
