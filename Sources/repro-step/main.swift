import Actions

#if canImport(Glibc)
    import Glibc
#endif

// The worker that runs one built-in action for repro; see ActionWorkerProtocol.
exit(ActionWorker.main(CommandLine.arguments))
