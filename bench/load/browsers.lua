-- wrk script of bench/load/run.sh's browser targets: browsers that keep what they are sent. The file SESSIONS names
-- holds each browser's first Cookie header (one a line). Each request goes to the next browser with no request in
-- flight, carrying its cookie and its number (X-Browser), which the server's /browser branch answers back; the answer's
-- Set-Cookie then replaces that browser's cookie, so that every write is read by the browser's next request, as in a
-- browser. With more browsers than connections (run.sh gives twice as many), one is always free.
-- A browser whose request got no answer naming it (wrk's own first call of request(), which it never sends; an error)
-- counts as free again once every browser has had two turns since: no browser is lost for the run.
-- The reference, /browser/headers, answers every browser the same constant cookie: kept, every browser would send that
-- one, which Kestrel reads once per connection and no real crowd of browsers allows. So only /browser/rmw's are kept.
-- wrk keeps one header of each name, the last: a format that sets two cookies (Express's) cannot be driven this way.
local cookies, sentAt, count, turn, sent, keeps = {}, {}, 0, 0, 0, true

init = function(args)
  for line in io.lines(os.getenv("SESSIONS")) do
    if #line > 0 then
      table.insert(cookies, line)
    end
  end
  count = #cookies
  keeps = os.getenv("KEEP_SET_COOKIE") ~= "0"
end

request = function()
  for _ = 1, count do
    turn = turn % count + 1
    local at = sentAt[turn]
    if at == nil or sent - at > 2 * count then
      break
    end
  end
  sent = sent + 1
  sentAt[turn] = sent
  return wrk.format("GET", nil, { ["Cookie"] = cookies[turn], ["X-Browser"] = tostring(turn) })
end

response = function(status, headers, body)
  local browser = tonumber(headers["X-Browser"])
  if browser then
    sentAt[browser] = nil
    local set = headers["Set-Cookie"]
    if keeps and set then
      cookies[browser] = set:match("^[^;]*")
    end
  end
end
