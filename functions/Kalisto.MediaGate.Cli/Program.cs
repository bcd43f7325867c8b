using Kalisto.MediaGate.Cli;

var console = CliConsole.FromProcess();
try
{
    return await MediaGateCommandLine.RunAsync(args, console);
}
finally
{
    console.Flush();
}
