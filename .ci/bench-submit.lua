-- wrk script: the ISV's admin submits the records app's plain form (one
-- record, one transaction, per request). Arguments: app id, form id, field id.
function init(args)
  body = "app_id=" .. args[1] .. "&form_id=" .. args[2] .. "&values%5Bf" .. args[3] .. "%5D=wrk+customer"
end

request = function()
  return wrk.format("POST", "/api/runtime/submit", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["Cookie"] = "fenfa_session=bench-session-isv",
  }, body)
end
