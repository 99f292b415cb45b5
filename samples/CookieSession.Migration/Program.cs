using CookieSession.Migration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// The migration demo: one command starts the three parts of a shop in the middle of its move from Node to .NET.
//   the front door (YARP), on Migration's one origin:   --urls, default http://localhost:5080
//   the ASP.NET Core app, /account and below:           Migration:DotNetUrl, default http://127.0.0.1:5081
//   the Node app (Express 3), every other path:          Migration:NodePort, default 5082 (a child process)
// Both apps sign the session cookie connect.sess with Migration:Secret (a development secret when unset).
var frontDoorBuilder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var settings = MigrationSettings.From(frontDoorBuilder.Configuration);
frontDoorBuilder.WebHost.UseUrls(settings.FrontDoorUrls);

await using var account = AccountApp.Build(settings, frontDoorBuilder.Environment.EnvironmentName);
var logger = account.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CookieSession.Migration");
if (settings.UsingDevelopmentSecret)
{
    logger.LogWarning("No Migration:Secret is configured; both apps use a development secret. Anyone who reads this source can forge sessions: set Migration:Secret (environment Migration__Secret) before deploying.");
}

await account.StartAsync();
NodeShop node;
try
{
    node = await NodeShop.StartAsync(settings, account.Services.GetRequiredService<ILoggerFactory>().CreateLogger<NodeShop>(), CancellationToken.None);
}
catch (NodeShopException e)
{
    logger.LogCritical("The Node app could not be started. {Reason}", e.Message);
    await account.StopAsync();
    return 1;
}

await using (node)
{
    var dotNetAddress = ListeningAddress(account);
    await using var frontDoor = FrontDoor.Build(frontDoorBuilder, dotNetAddress, node.Address);
    await frontDoor.StartAsync();

    // Through the front door's logging, whose queue already holds its "Now listening on:": this line comes after it.
    var demoLogger = frontDoor.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CookieSession.Migration");

    // The Node app ending on its own ends the demo: a front door with half its shop gone would only answer 502.
    var lifetime = frontDoor.Services.GetRequiredService<IHostApplicationLifetime>();
    var exitCode = 0;
    _ = node.Exited.ContinueWith(_ =>
    {
        if (!node.Stopping)
        {
            demoLogger.LogCritical("The Node app exited: stopping the demo.");
            exitCode = 1;
            lifetime.StopApplication();
        }
    }, TaskScheduler.Default);

    demoLogger.LogInformation(
        "The migration demo is running on {FrontDoor}\n  {DotNetRoute,-20} ASP.NET Core (CookieSession, Connect format) at {DotNet}\n  {NodeRoute,-20} Node (Express 3, connect 2.30.2 cookieSession) at {Node}",
        ListeningAddress(frontDoor), FrontDoor.DotNetRoute, dotNetAddress, FrontDoor.NodeRoute, node.Address);

    await frontDoor.WaitForShutdownAsync();
    await account.StopAsync();
    return exitCode;
}

// The first address the app's server listens on, with the port it was given when it asked for port 0.
static Uri ListeningAddress(WebApplication app)
    => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
