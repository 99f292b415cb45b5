using CookieSession.Migration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// The migration demo: one command starts the three parts of a shop in the middle of its move to .NET.
//   the front door (YARP), on Migration's one origin:   --urls, default http://localhost:5080
//   the ASP.NET Core app, /account and below:           Migration:DotNetUrl, default http://127.0.0.1:5081
//   the old app, every other path:                      Migration:OldAppPort, default 5082 (a child process)
// The old app is Node (Express 3) unless Migration:Backend says Rails, Flask or Django. Both apps share its session
// cookie under Migration:Secret (a development secret when unset).
var frontDoorBuilder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
MigrationSettings settings;
try
{
    settings = MigrationSettings.From(frontDoorBuilder.Configuration);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

frontDoorBuilder.WebHost.UseUrls(settings.FrontDoorUrls);
var shop = OldShop.For(settings.Backend);

await using var account = AccountApp.Build(settings, shop, frontDoorBuilder.Environment.EnvironmentName);
var logger = account.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CookieSession.Migration");
if (settings.UsingDevelopmentSecret)
{
    logger.LogWarning("No Migration:Secret is configured; both apps use a development secret. Anyone who reads this source can forge sessions: set Migration:Secret (environment Migration__Secret) before deploying.");
}

await account.StartAsync();
OldShopProcess old;
try
{
    old = await OldShopProcess.StartAsync(shop, settings, account.Services.GetRequiredService<ILoggerFactory>().CreateLogger<OldShopProcess>(), CancellationToken.None);
}
catch (OldShopException e)
{
    logger.LogCritical("The {Backend} app could not be started. {Reason}", shop.Name, e.Message);
    await account.StopAsync();
    return 1;
}

await using (old)
{
    var dotNetAddress = ListeningAddress(account);
    await using var frontDoor = FrontDoor.Build(frontDoorBuilder, dotNetAddress, old.Address);
    await frontDoor.StartAsync();

    // Through the front door's logging, whose queue already holds its "Now listening on:": this line comes after it.
    var demoLogger = frontDoor.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CookieSession.Migration");

    // The old app ending on its own ends the demo: a front door with half its shop gone would only answer 502.
    var lifetime = frontDoor.Services.GetRequiredService<IHostApplicationLifetime>();
    var exitCode = 0;
    _ = old.Exited.ContinueWith(_ =>
    {
        if (!old.Stopping)
        {
            demoLogger.LogCritical("The {Backend} app exited: stopping the demo.", shop.Name);
            exitCode = 1;
            lifetime.StopApplication();
        }
    }, TaskScheduler.Default);

    demoLogger.LogInformation(
        "The migration demo is running on {FrontDoor}\n  {DotNetRoute,-20} ASP.NET Core (CookieSession, {Format} format) at {DotNet}\n  {OldAppRoute,-20} {OldApp} at {OldAppAddress}",
        ListeningAddress(frontDoor), FrontDoor.DotNetRoute, shop.Format, dotNetAddress, FrontDoor.OldAppRoute, shop.Description, old.Address);

    await frontDoor.WaitForShutdownAsync();
    await account.StopAsync();
    return exitCode;
}

// The first address the app's server listens on, with the port it was given when it asked for port 0.
static Uri ListeningAddress(WebApplication app)
    => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
