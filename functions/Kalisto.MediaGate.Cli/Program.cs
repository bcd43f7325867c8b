using Kalisto.MediaGate.Cli;

return MediaGateCommandLine.Run(args, CliConsole.FromProcess());
