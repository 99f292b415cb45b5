-- wrk script of the soak test: each request carries one of the cookies in the file SOAK_COOKIES names (one
-- "kind<TAB>header" a line), chosen at random by weight: valid sessions, tampered ones, oversize ones and garbage.
-- The demo answers 200 to every one of them: run.sh fails on any other status wrk reports (Non-2xx or 3xx).
local cookies, kinds = {}, {}
local weights = { valid = 50, tampered = 20, oversize = 10, garbage = 20 }
local total = 0
for line in io.lines(os.getenv("SOAK_COOKIES")) do
  local kind, header = line:match("^(%w+)\t(.*)$")
  table.insert(cookies, header); table.insert(kinds, kind)
  total = total + weights[kind]
end
math.randomseed(os.time())

request = function()
  local pick = math.random() * total
  for i = 1, #cookies do
    pick = pick - weights[kinds[i]]
    if pick <= 0 then
      return wrk.format("GET", "/", { ["Cookie"] = cookies[i] })
    end
  end
  return wrk.format("GET", "/", { ["Cookie"] = cookies[1] })
end
