-- wrk script of bench/load/run.sh: each request carries one of the Cookie headers in the file SESSIONS names (one a
-- line), chosen at random, so that a file of 20,000 distinct sessions spreads the load over that many users and a file
-- of one line sends the same cookie every time. The requests are formatted once, at start: picking one costs wrk the
-- same whatever the file, so targets with one session and with many differ only on the server.
local requests, count = {}, 0

init = function(args)
  for line in io.lines(os.getenv("SESSIONS")) do
    if #line > 0 then
      table.insert(requests, wrk.format("GET", nil, { ["Cookie"] = line }))
    end
  end
  count = #requests
  math.randomseed(os.time())
end

request = function()
  return requests[math.random(count)]
end
