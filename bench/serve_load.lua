-- wrk script for bench/serve_load.py: each request searches the next of a
-- fixed list of queries (URL-encoded), so that no single answer is all
-- that is measured.
local queries = {
  "maritime+security", "AOIP", "%22rule+of+law%22", "clim*", "japan+-china",
  "cyber+OR+digital", "disaster+management", "food+security", "Mekong",
  "digital+economy", "supply+chain*", "youth+exchange", "energy+NEAR%2F5+transition",
  "mariitme", "Vientiane", "vaccine",
}
local i = 0
request = function()
  i = i % #queries + 1
  return wrk.format("GET", "/api/search?q=" .. queries[i] .. "&facet=year,doc,source")
end
