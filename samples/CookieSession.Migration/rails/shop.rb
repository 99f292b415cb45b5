# frozen_string_literal: true
# The Rails half of the migration demo: the shop as it was before the move, a one-file Rails 6.1 app (Debian's
# ruby-rails, served by ruby-webrick) that keeps its session in Rails' own CookieStore: the cookie _shop_session,
# AES-256-GCM under a key derived from secret_key_base, JSON inside. The ASP.NET Core half reads and writes the same
# cookie with CookieSession's Rails format, so both serve the same signed-in user and the same cart behind one origin.
#
#   SESSION_SECRET=... PORT=5082 ruby shop.rb
#
# Environment, as the Node app's: SESSION_SECRET (required: the secret_key_base both halves derive the key from),
# PORT (default 5082; 0 picks a free port), HOST (default 127.0.0.1), EXIT_ON_STDIN_END=1 (exit when standard input
# closes, and not on SIGINT). Prints "listening http://HOST:PORT" once it accepts connections; exits with code 3 when
# Rails or webrick cannot be loaded.
#
# Routes: GET / (sign in, the catalog, the cart), POST /signin (name), POST /cart/add (sku), GET /site.css.
# Session: { "user" => { "name" }, "cart" => [{ "sku", "name", "price" (cents), "qty" }] }, the Node app's shape.
require "json"
require "logger"
begin
  require "action_controller/railtie"
  require "webrick"
  require "rack/handler/webrick"
rescue LoadError => e
  warn "Rails and webrick could not be loaded (#{e.message}): on Debian, apt-get install ruby-rails ruby-webrick"
  exit 3
end

SECRET = ENV["SESSION_SECRET"].to_s
if SECRET.empty?
  warn "SESSION_SECRET is not set: it must be the secret_key_base the .NET side derives the session key from."
  exit 2
end

CATALOG = [
  { sku: "tea", name: "Sencha green tea, 100 g", price: 850 },
  { sku: "mug", name: "Enamel mug", price: 1200 },
  { sku: "notebook", name: "Dot-grid notebook", price: 900 },
  { sku: "pen", name: "Fountain pen", price: 2400 },
].freeze
STYLESHEET = File.expand_path("../public/site.css", __dir__)

class ShopApp < Rails::Application
  config.load_defaults 6.1
  config.eager_load = false
  config.logger = Logger.new(nil)
  config.log_level = :fatal
  # Behind the front door, which keeps the browser's Host: any name reaches this loopback-only app through it.
  config.hosts.clear
  config.secret_key_base = SECRET
  # As the Node app, the demo's forms carry no antiforgery token (see the demo's page on what an app adds).
  config.action_controller.default_protect_from_forgery = false
  # JSON, the serializer .NET reads (Rails refuses to let anyone deserialize Marshal from a cookie, and so do we).
  config.action_dispatch.cookies_serializer = :json
  config.session_store :cookie_store, key: "_shop_session"
end

class ShopController < ActionController::Base
  include ERB::Util

  def index
    response.headers["Cache-Control"] = "no-store"
    render html: page(user ? shop : sign_in).html_safe
  end

  def signin
    name = params[:name].to_s.strip
    if !name.empty? && name.length <= 100
      session["user"] = { "name" => name }
      session["cart"] ||= []
    end
    redirect_to "/"
  end

  def add
    product = CATALOG.find { |p| p[:sku] == params[:sku] }
    if user && product
      cart = session["cart"].is_a?(Array) ? session["cart"] : []
      line = cart.find { |item| item["sku"] == product[:sku] }
      if line
        line["qty"] += 1
      else
        cart << { "sku" => product[:sku], "name" => product[:name], "price" => product[:price], "qty" => 1 }
      end
      session["cart"] = cart
    end
    redirect_to "/"
  end

  def stylesheet
    send_file STYLESHEET, type: "text/css", disposition: "inline"
  end

  private

  def user
    session["user"].is_a?(Hash) && session["user"]["name"].is_a?(String) ? session["user"] : nil
  end

  def sign_in
    '<section class="card narrow">' \
      "<h1>Sign in</h1>" \
      "<p>This page is served by the <strong>Rails</strong> app. Sign in here, fill your cart, then open " \
      '<a href="/account">your cart</a>: that page is served by <strong>ASP.NET Core</strong>, on the same origin, ' \
      "from the same cookie.</p>" \
      '<form method="post" action="/signin" class="row">' \
      '<input name="name" placeholder="Your name" required maxlength="100" autocomplete="off" aria-label="Your name">' \
      "<button>Sign in</button>" \
      "</form>" \
      "</section>"
  end

  def shop
    cart = session["cart"].is_a?(Array) ? session["cart"] : []
    products = CATALOG.map do |p|
      '<li class="product">' \
        "<span class=\"name\">#{h(p[:name])}</span><span class=\"price\">#{money(p[:price])}</span>" \
        "<form method=\"post\" action=\"/cart/add\"><input type=\"hidden\" name=\"sku\" value=\"#{h(p[:sku])}\">" \
        "<button data-testid=\"add-#{h(p[:sku])}\">Add to cart</button></form></li>"
    end.join
    lines = cart.map do |item|
      "<li data-testid=\"cart-#{h(item['sku'])}\"><span>#{h(item['name'])}</span>" \
        "<span class=\"qty\">&times; <span data-testid=\"qty-#{h(item['sku'])}\">#{Integer(item['qty'])}</span></span></li>"
    end.join
    total = cart.sum { |item| item["price"] * item["qty"] }
    '<div class="columns"><section class="card">' \
      "<h1>Hello, <span data-testid=\"user\">#{h(user['name'])}</span></h1>" \
      '<p class="muted">The catalog is still served by the Rails app.</p>' \
      "<ul class=\"products\">#{products}</ul></section>" \
      '<aside class="card"><h2>Your cart</h2>' +
      (lines.empty? ? '<p class="muted" data-testid="cart-empty">Your cart is empty.</p>'
        : "<ul class=\"cart\" data-testid=\"cart\">#{lines}</ul><p class=\"total\">Total <strong>#{money(total)}</strong></p>") +
      '<a class="button" href="/account">Change your cart or sign out</a>' \
      '<p class="muted small">on the ASP.NET Core side</p></aside></div>'
  end

  def page(main)
    "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">" \
      '<meta name="viewport" content="width=device-width, initial-scale=1">' \
      "<title>Tea &amp; Paper: shop (Rails)</title><link rel=\"stylesheet\" href=\"/site.css\"></head>\n<body>\n" \
      '<header class="top"><a class="brand" href="/">Tea &amp; Paper</a>' \
      '<nav><a href="/" class="current">Shop</a><a href="/account">Your cart</a></nav>' \
      "<span class=\"who\">#{user ? h(user['name']) : 'not signed in'}</span></header>\n" \
      "<div class=\"served rails\" data-testid=\"served-by\">Served by <strong>Rails #{h(Rails.version)}</strong> &middot; " \
      "Ruby #{h(RUBY_VERSION)} &middot; _shop_session read by Rails&rsquo; CookieStore</div>\n" \
      "<main>#{main}</main>\n#{session_panel}</body>\n</html>\n"
  end

  # What the session holds as this side reads it, and the size of the cookie that carried it (never its value).
  def session_panel
    raw = raw_cookie(request.headers["Cookie"], "_shop_session")
    cookie = raw.nil? ? "No <code>_shop_session</code> cookie came with this request: a new session."
      : "Cookie <code>_shop_session</code>, #{raw.length} bytes: Rails&rsquo; encrypted cookie, " \
        "<code>data--iv--tag</code>, AES-256-GCM under a key derived from the <code>secret_key_base</code> both apps share."
    '<section class="session"><h2>The session, as Rails reads it</h2>' \
      "<pre data-testid=\"session-json\">#{h(display_json(session.to_hash))}</pre>" \
      "<p class=\"muted small\">#{cookie}</p></section>\n"
  end

  # One line a key, and one line an element of an array; the ASP.NET Core page writes the same layout.
  def display_json(view)
    return "{}" if view.empty?

    "{\n" + view.map do |key, value|
      text = value.is_a?(Array) && !value.empty? ? "[\n" + value.map { |e| "    #{JSON.generate(e)}" }.join(",\n") + "\n  ]" : JSON.generate(value)
      "  #{JSON.generate(key.to_s)}: #{text}"
    end.join(",\n") + "\n}"
  end

  # The cookie's value as the browser sent it, before any decoding.
  def raw_cookie(header, name)
    header.to_s.split(";").map(&:strip).find { |pair| pair.start_with?("#{name}=") }&.delete_prefix("#{name}=")
  end

  def money(cents) = format("$%.2f", cents / 100.0)
end

ShopApp.initialize!
ShopApp.routes.draw do
  get "/", to: "shop#index"
  post "/signin", to: "shop#signin"
  post "/cart/add", to: "shop#add"
  get "/site.css", to: "shop#stylesheet"
end

host = ENV.fetch("HOST", "127.0.0.1")
server = WEBrick::HTTPServer.new(BindAddress: host, Port: Integer(ENV.fetch("PORT", "5082")),
                                 Logger: WEBrick::Log.new($stderr, WEBrick::Log::WARN), AccessLog: [])
server.mount "/", Rack::Handler::WEBrick, ShopApp
trap("TERM") { server.shutdown }
if ENV["EXIT_ON_STDIN_END"] == "1"
  # Started by the .NET host, which decides when this process ends: Ctrl+C reaches both, and the host then closes
  # this process's standard input, once it has stopped sending it requests.
  trap("INT") {}
  Thread.new do
    $stdin.read
    server.shutdown
  end
else
  trap("INT") { server.shutdown }
end
$stdout.puts "listening http://#{host}:#{server.config[:Port]}"
$stdout.flush
server.start
