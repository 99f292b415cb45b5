using CookieSession.BrowserTests.Infrastructure;

// One browser for the whole run; each test makes a context of its own.
[assembly: AssemblyFixture(typeof(ChromiumBrowser))]
