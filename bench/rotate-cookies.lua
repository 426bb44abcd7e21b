-- wrk script: every request sends the next cookie from the file given after "--", so each
-- connection cycles through all the sessions instead of repeating one.
local cookies = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    cookies[#cookies + 1] = line
  end
  -- Threads start at different places in the list.
  counter = math.random(#cookies)
end

function request()
  counter = counter % #cookies + 1
  return wrk.format("GET", "/test/session/check", { ["Cookie"] = cookies[counter] })
end
