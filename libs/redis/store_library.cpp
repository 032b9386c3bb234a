#include "redis/store_library.h"

#include <cstdint>
#include <string_view>

namespace orderflow::redis {
namespace {

// One call stores the entries of one partition, in offset order (store_call.h packs them).
// KEYS: stats, offsets, then per order entry its order hash, customer hash and customer's
// sorted set: every key the function touches (Redis Cluster and proxies route by them).
// ARGV: slot ("topic:partition"), topic, partition, stored_at (the writer's clock: the function
// never reads one, so replicas and AOF replay write the same), n, the n order field names
// compared for duplicates, then per entry: "order", offset, its n field values; or "dead",
// offset (a message sent to the dead-letter topic).
//
// Two phases. The first reads and decides every entry against what Redis holds plus what the
// call applied before it (an id twice in one call, a customer's running sum); the second writes.
// So a call writes everything it decided or nothing:
// - an order it cannot store (its id stored with other fields: conflicting-duplicate; a key of
//   another type, a customer total past 2^53 - 1: store-refused) writes nothing and the reply
//   is {'refused', entry, kind, reason, ...}; the caller sends the call again with those entries
//   as dead letters (counted once, by offset, like any dead letter);
// - every write is checked with redis.acl_check_cmd (Redis 7) before the first one: Redis checks
//   each call when it is made and a refused one would stop the function after earlier writes;
// - else the reply is one code per entry: 1 applied, 0 duplicate, 2 dead-lettered.
// An order is a duplicate only when its id is stored with the same fields. Offsets alone never
// decide for an order: a topic re-created starts its offsets low again. Applying an order moves
// the partition's mark to its offset; a duplicate only raises it; a dead letter at or below the
// mark is a duplicate. The customer's totals are written as values (read, summed, HSET), the
// stats once per call. The bounds are orders::kMaxAmountCents and kMaxCustomerTotalCents (2^53
// - 1: Lua's numbers are doubles), written out so the source is what Redis runs.
constexpr std::string_view kSource = R"lua(#!lua name=@LIBRARY@
local MAX_AMOUNT, MAX_TOTAL = 1000000000000000, 9007199254740991
local function int(n) return string.format('%d', n) end
local function fail(what) error({err = 'ERR orderflow store: ' .. what}) end
local function hash_or_none(t) return t == 'none' or t == 'hash' end

local function parse(keys, args)
  local n = tonumber(args[5])
  if n == nil or n < 1 or #args < 5 + n then fail('bad field count') end
  local call = {names = {}, entries = {}}
  local at = {}
  for i = 1, n do call.names[i] = args[5 + i]; at[args[5 + i]] = i end
  call.id, call.created, call.total = at['order_id'], at['created_at'], at['total_cents']
  if not (call.id and call.created and call.total) then fail('a compared field is missing') end
  local a, k = 6 + n, 3
  while a <= #args do
    local kind, offset = args[a], tonumber(args[a + 1])
    if offset == nil then fail('offset ' .. tostring(args[a + 1]) .. ' is not a number') end
    local e = {offset = offset, offset_text = args[a + 1]}
    if kind == 'order' then
      if a + 1 + n > #args or k + 2 > #keys then fail('an order entry is cut short') end
      e.first, e.key, e.customer, e.zset = a + 2, keys[k], keys[k + 1], keys[k + 2]
      if tonumber(args[e.first + call.created - 1]) == nil then fail('created_at is not a number') end
      a, k = a + 2 + n, k + 3
    elseif kind == 'dead' then
      a = a + 2
    else
      fail('entry kind ' .. tostring(kind))
    end
    call.entries[#call.entries + 1] = e
  end
  if k ~= #keys + 1 then fail(#keys .. ' keys for ' .. (k - 1) .. ' expected') end
  return call
end

local function store(keys, args)
  local stats, offsets, slot = keys[1], keys[2], args[1]
  local call = parse(keys, args)
  local names, n = call.names, #call.names
  if not hash_or_none(redis.call('TYPE', stats)['ok']) or
     not hash_or_none(redis.call('TYPE', offsets)['ok']) then
    return redis.error_reply('store-refused: ' .. stats .. ' or ' .. offsets .. ' is not a hash')
  end
  local last = tonumber(redis.call('HGET', offsets, slot) or '-1') or -1
  local mark = last
  local counts = {processed = 0, duplicates_skipped = 0, dead_lettered = 0, customers = 0}
  local result, refused = {}, {}
  local applied, customers, touched, zsets = {}, {}, {}, {}
  local none_exist = false

  local function value(e, j) return args[e.first + j - 1] end
  local function dead(i, e)
    if e.offset <= last then
      counts.duplicates_skipped = counts.duplicates_skipped + 1
      result[i] = 0
    else
      last = e.offset
      counts.dead_lettered = counts.dead_lettered + 1
      result[i] = 2
    end
  end
  local function refuse(i, e, kind, reason)
    refused[#refused + 1] = {i, kind, reason}
    dead(i, e)  -- as the call sent again will see it
  end
  local function customer_of(key)
    local c = customers[key]
    if c then return c end
    local got = redis.pcall('HMGET', key, 'orders_count', 'total_spent_cents')
    if got.err then
      if not string.find(got.err, 'WRONGTYPE', 1, true) then error(got) end
      c = {bad = key .. ' holds a ' .. redis.call('TYPE', key)['ok'] .. ', not a customer hash'}
    else
      c = {count = tonumber(got[1] or '0'), spent = tonumber(got[2] or '0'), key = key}
      if c.count == nil or c.spent == nil then
        c.bad = key .. ' holds orders_count ' .. tostring(got[1]) .. ' and total_spent_cents ' ..
                tostring(got[2]) .. ', not numbers'
      end
    end
    customers[key] = c
    return c
  end
  local function zset_problem(key)
    if zsets[key] == nil then
      local t = redis.call('TYPE', key)['ok']
      zsets[key] = (t == 'none' or t == 'zset') and '' or key .. ' holds a ' .. t .. ', not a sorted set'
    end
    return zsets[key]
  end
  local function order(i, e)
    local id = value(e, call.id)
    local stored
    if applied[e.key] then
      stored = {}
      for j = 1, n do stored[j] = value(applied[e.key], j) end
    elseif not none_exist then
      local t = redis.call('TYPE', e.key)['ok']
      if t == 'hash' then
        stored = redis.call('HMGET', e.key, unpack(names))
      elseif t ~= 'none' then
        return refuse(i, e, 'store-refused', 'order ' .. id .. ': ' .. e.key .. ' holds a ' .. t ..
                      ', not an order hash')
      end
    end
    if stored then
      for j = 1, n do
        if stored[j] ~= value(e, j) then
          return refuse(i, e, 'conflicting-duplicate', 'order ' .. id .. ' is stored with another ' ..
                        names[j])
        end
      end
      if e.offset > last then last = e.offset end
      counts.duplicates_skipped = counts.duplicates_skipped + 1
      result[i] = 0
      return
    end
    local c = customer_of(e.customer)
    if c.bad then return refuse(i, e, 'store-refused', 'order ' .. id .. ': ' .. c.bad) end
    local problem = zset_problem(e.zset)
    if problem ~= '' then return refuse(i, e, 'store-refused', 'order ' .. id .. ': ' .. problem) end
    local amount_text = value(e, call.total)
    local amount = tonumber(amount_text)
    if amount == nil or amount < 0 or amount > MAX_AMOUNT then
      return refuse(i, e, 'store-refused', 'order ' .. id .. ': total_cents ' .. amount_text ..
                    ' is outside [0, 1000000000000000]')
    end
    if c.spent + amount > MAX_TOTAL then
      return refuse(i, e, 'store-refused', 'order ' .. id .. ': total_spent_cents ' .. int(c.spent) ..
                    ' of ' .. e.customer .. ' plus ' .. amount_text .. ' would pass 9007199254740991')
    end
    applied[e.key], e.apply = e, true
    if c.count == 0 then counts.customers = counts.customers + 1 end
    if not c.touched then c.touched = true; touched[#touched + 1] = c end
    c.count, c.spent = c.count + 1, c.spent + amount
    last = e.offset
    counts.processed = counts.processed + 1
    result[i] = 1
  end

  -- One EXISTS for every order key: when none exists (new orders, the usual case) no order needs
  -- a TYPE of its own.
  local order_keys = {}
  for _, e in ipairs(call.entries) do
    if e.first then order_keys[#order_keys + 1] = e.key end
  end
  none_exist = #order_keys > 0 and redis.call('EXISTS', unpack(order_keys)) == 0
  for i, e in ipairs(call.entries) do
    if e.first then order(i, e) else dead(i, e) end
  end
  if #refused > 0 then
    local reply = {'refused'}
    for _, r in ipairs(refused) do
      reply[#reply + 1], reply[#reply + 2], reply[#reply + 3] = r[1], r[2], r[3]
    end
    return reply
  end

  local writes = {}
  if last ~= mark then
    writes[#writes + 1] = {'HSET', offsets, slot, int(last)}
  end
  for _, e in ipairs(call.entries) do
    if e.apply then
      local h = {'HSET', e.key}
      for j = 1, n do h[#h + 1], h[#h + 2] = names[j], value(e, j) end
      h[#h + 1], h[#h + 2], h[#h + 3], h[#h + 4] = 'topic', args[2], 'partition', args[3]
      h[#h + 1], h[#h + 2], h[#h + 3], h[#h + 4] = 'offset', e.offset_text, 'stored_at', args[4]
      writes[#writes + 1] = h
      writes[#writes + 1] = {'ZADD', e.zset, value(e, call.created), value(e, call.id)}
    end
  end
  for _, c in ipairs(touched) do
    writes[#writes + 1] = {'HSET', c.key, 'orders_count', int(c.count), 'total_spent_cents', int(c.spent)}
  end
  for _, name in ipairs({'processed', 'duplicates_skipped', 'dead_lettered', 'customers'}) do
    if counts[name] > 0 then writes[#writes + 1] = {'HINCRBY', stats, name, int(counts[name])} end
  end
  if redis.acl_check_cmd then
    local checked = {}
    for _, w in ipairs(writes) do
      local what = w[1] .. ' on ' .. w[2]
      if not checked[what] then
        checked[what] = true
        if not redis.acl_check_cmd(unpack(w)) then
          return redis.error_reply('NOPERM the order function may not run ' .. what)
        end
      end
    end
  end
  for _, w in ipairs(writes) do redis.call(unpack(w)) end
  return result
end

redis.register_function('@FUNCTION@', store)
)lua";

// FNV-1a, 64 bits: a name that changes whenever the source does (not a security boundary:
// who may FUNCTION LOAD is decided by Redis's ACL).
std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    return hash;
}

std::string hex(std::uint64_t value) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, value >>= 4) {
        out[static_cast<std::size_t>(i)] = kHex[value & 0xf];
    }
    return out;
}

std::string replaced(std::string text, std::string_view from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

StoreLibrary make_library() {
    StoreLibrary library;
    library.hash = hex(fnv1a(kSource));
    library.name = "orderflow_store_" + library.hash;
    library.function = "orderflow_store_orders_" + library.hash;
    library.code = replaced(replaced(std::string(kSource), "@LIBRARY@", library.name), "@FUNCTION@",
                            library.function);
    return library;
}

}  // namespace

const StoreLibrary& store_library() {
    static const StoreLibrary library = make_library();
    return library;
}

}  // namespace orderflow::redis
