// repro runs on Linux only. It reads /proc (cpuinfo, meminfo, the process table), calls Glibc directly and relies
// on Linux behaviour (posix_spawn_file_actions_addchdir_np and closefrom, flock carried out as POSIX locks on
// NFS). Every module builds on Basics, so this stops a build elsewhere with a clear message, not a list of
// missing symbols.
#if !os(Linux)
    #error("repro runs on Linux only: it reads /proc and calls Glibc and Linux process and file-locking calls")
#endif
