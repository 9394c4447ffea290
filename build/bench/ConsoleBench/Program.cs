using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// console-bench URL USER PASSWORD CONTAINERS LOG_CONTAINER MINUTES OUT
// Writes "id value" lines to OUT: console.load.requests, console.load.bytes (transferred, headers
// and bodies), console.list_ms (log in to CONTAINERS rows rendered), console.heap.<minute> (the
// page's used JS heap, bytes, while following LOG_CONTAINER's logs), console.log_lines.
if (args.Length != 7)
{
    Console.Error.WriteLine("usage: console-bench URL USER PASSWORD CONTAINERS LOG_CONTAINER MINUTES OUT");
    return 2;
}

string url = args[0], user = args[1], password = args[2], logContainer = args[4], outPath = args[6];
int containers = int.Parse(args[3], CultureInfo.InvariantCulture);
double minutes = double.Parse(args[5], CultureInfo.InvariantCulture);
var results = new List<string>();
void Record(string id, double value) => results.Add(string.Create(CultureInfo.InvariantCulture, $"{id} {value}"));

using IPlaywright playwright = await Playwright.CreateAsync();
await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--enable-precise-memory-info"],
});
IPage page = await (await browser.NewContextAsync()).NewPageAsync();

// The first load: every request the page makes before it waits for a login, and their bytes.
var finished = new List<IRequest>();
page.RequestFinished += (_, r) => { lock (finished) { finished.Add(r); } };
await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
await page.Locator("#login-form").WaitForAsync();
IRequest[] first;
lock (finished)
{
    first = [.. finished];
}

long bytes = 0;
foreach (IRequest r in first)
{
    RequestSizesResult sizes = await r.SizesAsync();
    bytes += sizes.RequestHeadersSize + sizes.RequestBodySize + sizes.ResponseHeadersSize + sizes.ResponseBodySize;
}

Record("console.load.requests", first.Length);
Record("console.load.bytes", bytes);

// Log in and wait for the list.
await page.GetByLabel("User name").FillAsync(user);
await page.GetByLabel("Password").FillAsync(password);
var sw = Stopwatch.StartNew();
await page.GetByLabel("Password").PressAsync("Enter");
await page.Locator($"#container-rows tr:nth-child({containers})").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
Record("console.list_ms", sw.Elapsed.TotalMilliseconds);

// Follow a container's logs; the used JS heap once a minute (after a collection, when exposed).
await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = $"Logs {logContainer}", Exact = true }).ClickAsync();
await page.Locator("#log-lines").WaitForAsync();
async Task<double> Heap()
{
    await page.EvaluateAsync("() => { if (window.gc) window.gc(); }");
    return await page.EvaluateAsync<double>("() => performance.memory ? performance.memory.usedJSHeapSize : -1");
}

Record("console.heap.0", await Heap());
var follow = Stopwatch.StartNew();
for (int m = 1; follow.Elapsed.TotalMinutes < minutes; m++)
{
    TimeSpan next = TimeSpan.FromMinutes(Math.Min(m, minutes));
    await Task.Delay(next - follow.Elapsed > TimeSpan.Zero ? next - follow.Elapsed : TimeSpan.Zero);
    Record($"console.heap.{m}", await Heap());
}

Record("console.log_lines", await page.EvaluateAsync<double>("() => document.getElementById('log-lines').childNodes.length"));
await File.WriteAllLinesAsync(outPath, results);
return 0;
