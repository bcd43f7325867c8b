using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Kalisto.MediaGate.Screening;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

var telemetry = builder.Services.AddOpenTelemetry()
    .UseFunctionsWorkerDefaults()
    .WithMetrics(metrics => metrics.AddMeter(ScreeningMetrics.MeterName));
if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    // Application Insights with local authentication off: the app's managed identity sends telemetry.
    var clientId = builder.Configuration["AZURE_CLIENT_ID"];
    telemetry.UseAzureMonitorExporter(options => options.Credential = string.IsNullOrEmpty(clientId)
        ? new DefaultAzureCredential()
        : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId)));
}

builder.Services
    .AddMediaGateCore()
    .AddMediaGateImaging()
    .AddMediaGateStorage()
    .AddMediaGateWeb();

builder.Build().Run();
