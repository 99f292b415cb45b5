-- wrk script of bench/load/run.sh's browser targets: browsers that keep what they are sent. The file SESSIONS names
-- holds each browser's first Cookie header (one a line). Request n goes to browser n modulo their number, carrying its
-- cookie and its number (X-Browser), which the server's /browser branch answers back; the answer's Set-Cookie then
-- replaces that browser's cookie, so that every write is read by the browser's next request, as in a browser. With at
-- least as many browsers as connections, a browser has about one request in flight at a time.
-- wrk keeps one header of each name, the last: a format that sets two cookies (Express's) cannot be driven this way.
local cookies, count, turn = {}, 0, 0

init = function(args)
  for line in io.lines(os.getenv("SESSIONS")) do
    if #line > 0 then
      table.insert(cookies, line)
    end
  end
  count = #cookies
end

request = function()
  turn = turn % count + 1
  return wrk.format("GET", nil, { ["Cookie"] = cookies[turn], ["X-Browser"] = tostring(turn) })
end

response = function(status, headers, body)
  local browser = tonumber(headers["X-Browser"])
  local set = headers["Set-Cookie"]
  if browser and set then
    cookies[browser] = set:match("^[^;]*")
  end
end
