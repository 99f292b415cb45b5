using Microsoft.Playwright;

namespace CookieSession.BrowserTests.Migration;

/// <summary>
/// Screenshots a test takes of what a user sees: written to <c>screenshots/</c> in the test output folder, attached
/// to the test's result, and also written to the folder named by <c>COOKIESESSION_SCREENSHOTS</c> when it is set (the
/// README's pictures are made so: <c>COOKIESESSION_SCREENSHOTS=docs/screenshots</c>).
/// </summary>
internal static class Screenshots
{
    /// <summary>The environment variable that names a further folder for the screenshots.</summary>
    public const string FolderVariable = "COOKIESESSION_SCREENSHOTS";

    public static async Task SaveAsync(IPage page, string fileName)
    {
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Type = ScreenshotType.Png });

        var output = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
        await File.WriteAllBytesAsync(Path.Combine(output.FullName, fileName), png);
        TestContext.Current.AddAttachment(fileName, png, "image/png");

        if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, fileName), png);
        }
    }
}
