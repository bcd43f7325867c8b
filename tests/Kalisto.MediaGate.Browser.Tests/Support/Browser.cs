using Microsoft.Playwright;
using Mono.Unix.Native;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>
/// One Playwright and one headless Chromium for every browser test: the system's Chromium at
/// <see cref="ExecutablePath"/> (Debian's <c>chromium</c> package), never a browser Playwright downloads.
/// Each test takes a new context from <see cref="NewContextAsync"/>. Without that Chromium the tests skip,
/// except on CI (<c>CI=true</c>), which installs it: there they fail.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>The width and height of every new context's viewport.</summary>
    public const int Width = 1280;
    public const int Height = 800;

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Chromium's sandbox refuses to start as root; for anyone else it stays on.
            Args = IsRoot() ? ["--no-sandbox"] : [],
        });
    }

    /// <summary>
    /// A fresh context (no cookies, no storage) with <paramref name="locale"/> (<c>nl-NL</c>, the schools' language,
    /// or <c>en-US</c>) and a 1280×800 viewport. Skips the test when Chromium is missing, fails it on CI.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(string locale = "nl-NL")
    {
        if (locale is not ("nl-NL" or "en-US"))
        {
            throw new ArgumentOutOfRangeException(nameof(locale), locale, "The pages are tested in nl-NL and en-US.");
        }

        if (_browser is null)
        {
            var missing = $"{ExecutablePath} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests.";
            Assert.False(IsCi(), $"{missing} CI installs it, so on CI this fails.");
            Skip.If(true, $"{missing} Browser tests skipped.");
        }

        return await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = locale,
            ViewportSize = new ViewportSize { Width = Width, Height = Height },
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    private static bool IsCi() => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static bool IsRoot() => !OperatingSystem.IsWindows() && Syscall.geteuid() == 0;
}

/// <summary>Browser test classes share one Chromium and one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Browser>, ICollectionFixture<Azurite>
{
    public const string Name = "Browser";
}
