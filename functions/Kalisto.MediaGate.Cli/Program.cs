using Kalisto.MediaGate.Cli;

var console = CliConsole.FromProcess();
try
{
    return MediaGateCommandLine.Run(args, console);
}
finally
{
    console.Flush();
}
