using Microsoft.Playwright;

namespace CookieSession.BrowserTests.Demo;

/// <summary>
/// Full-page screenshots of the demo: always into <c>screenshots/</c> of the test output folder, and also into the
/// folder named by <c>COOKIESESSION_SCREENSHOTS</c> when it is set. The README's pictures (docs/screenshots) are made
/// with <c>COOKIESESSION_SCREENSHOTS=docs/screenshots</c>, on purpose, so that a test run never rewrites the repository.
/// </summary>
public static class DemoScreenshots
{
    /// <summary>The environment variable naming the folder to copy screenshots to.</summary>
    public const string FolderVariable = "COOKIESESSION_SCREENSHOTS";

    public static async Task SaveAsync(IPage page, string fileName)
    {
        var shot = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Type = ScreenshotType.Png });
        var folders = new List<string> { Path.Combine(AppContext.BaseDirectory, "screenshots") };
        if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } extra)
        {
            folders.Add(extra);
        }

        foreach (var folder in folders)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, fileName), shot);
        }
    }
}
