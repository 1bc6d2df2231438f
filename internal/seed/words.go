package seed

// Word lists and text templates. They are constants in spirit: nothing
// writes to them, and every draw from them goes through a customer's own
// random source, so the order of these lists is part of the data's identity.
// Appending to a list changes the generated data (and the checksums the
// tests compare between two runs, not against fixed values).

var namePrefixes = [...]string{
	"Acme", "Apex", "Aurora", "Beacon", "Birch", "Blue", "Bright", "Cedar", "Cobalt", "Copper",
	"Crescent", "Delta", "Ember", "Evergreen", "Falcon", "Granite", "Harbor", "Horizon", "Iron",
	"Juniper", "Keystone", "Lakeside", "Lumen", "Maple", "Meridian", "Nimbus", "North", "Oak",
	"Orbit", "Pioneer", "Prairie", "Quartz", "Redwood", "Ridge", "River", "Sable", "Silver",
	"Summit", "Tidal", "Vertex", "Willow", "Zenith",
}

var nameNouns = [...]string{
	"Analytics", "Bakery", "Bio", "Brands", "Capital", "Cloud", "Data", "Dental", "Designs",
	"Energy", "Foods", "Freight", "Health", "Insights", "Labs", "Learning", "Logistics", "Media",
	"Metrics", "Motors", "Networks", "Outfitters", "Partners", "Pharma", "Robotics", "Security",
	"Software", "Solutions", "Studios", "Supply", "Systems", "Telecom", "Travel", "Ventures", "Works",
}

// nameSuffixes by region index (regions), the last for an unknown region:
// the legal form is a small realism touch.
var nameSuffixes = [len(regions) + 1][]string{
	{"Inc.", "LLC", "Corp.", "Co.", ""},
	{"GmbH", "Ltd", "S.A.", "B.V.", "AB", "plc", ""},
	{"Pty Ltd", "Pte. Ltd.", "K.K.", "Ltd", ""},
	{"S.A. de C.V.", "Ltda.", "S.A.", ""},
	{"Inc.", "Ltd", ""},
}

// oddNames are used now and then so that quoting, escaping and UTF-8 are
// exercised downstream (COPY, CSV, spreadsheets, e-mail).
var oddNames = [...]string{
	"O'Neill & Sons Logistics", "Müller Maschinenbau GmbH", "Société Générale de Café S.A.",
	"Smith, Jones & Partners LLP", "Zürich Lab AG", "Ñandú Tecnología S.A.", "\"Quoted\" Widgets Inc.",
	"São Paulo Dados Ltda.", "Åkesson Design AB", "Back\\slash Consulting", "Kōbe Robotics K.K.",
}

var regions = [...]string{"North America", "EMEA", "APAC", "LATAM"}

var regionWeights = [...]float64{0.46, 0.30, 0.15, 0.09}

var industries = [...]string{
	"Software", "Financial Services", "Healthcare", "Retail", "Manufacturing", "Education",
	"Media", "Logistics",
}

var industryWeights = [...]float64{0.24, 0.14, 0.12, 0.13, 0.12, 0.08, 0.08, 0.09}

var channels = [...]string{"organic", "paid_search", "partner", "outbound", "referral"}

// channelWeights per segment: self-serve SMB comes from search, Enterprise
// from outbound sales and partners.
var channelWeights = [3][5]float64{
	{0.38, 0.30, 0.08, 0.06, 0.18},
	{0.25, 0.20, 0.18, 0.22, 0.15},
	{0.10, 0.05, 0.30, 0.45, 0.10},
}

var owners = [...]string{
	"Alex Morgan", "Priya Raman", "Jonas Becker", "Maria Gonzalez", "Kenji Watanabe",
	"Chloe Dubois", "Sam Okafor", "Emma Lindqvist",
}

var features = [...]string{
	"dashboard", "CSV export", "SSO login", "API", "webhooks", "report builder", "Salesforce sync",
	"mobile app", "alerts", "user roles", "audit log", "Slack integration",
}

// Survey comments by sentiment and touchpoint. %s is a feature name.
var detractorComments = [...]string{
	"The %s keeps breaking and nobody follows up.",
	"Too expensive for what we get.",
	"Support took a week to answer.",
	"We lost data after the %s update. Not happy.",
	"Billing charged us twice this month.",
	"The %s is slow and confusing.",
	"Onboarding was a mess, we are still not set up.",
	"Considering alternatives, the %s does not do what we need.",
	"Price went up and quality went down.",
	"Bugs in the %s every week.",
}

var passiveComments = [...]string{
	"Works fine, the %s could be better.",
	"OK overall.",
	"Decent tool, pricing is a bit high.",
	"Support was fine but slow.",
	"Would like more flexibility in the %s.",
	"Does the job.",
}

var promoterComments = [...]string{
	"Love the %s, saves us hours every week!",
	"Great support team, quick and friendly.",
	"Best tool we've adopted this year.",
	"The %s is excellent.",
	"Onboarding was smooth, thanks!",
	"Our whole team relies on it daily.",
	"Fantastic product, keep it up.",
	"Really happy with the new %s.",
}

// Ticket templates: subject and body, %s is a feature name.
type ticketTemplate struct{ subject, body string }

var ticketCategories = [...]string{"billing", "bug", "how-to", "account"}

// ticketTemplates by category index (ticketCategories).
var ticketTemplates = [len(ticketCategories)][]ticketTemplate{
	{
		{"Question about our invoice", "Hi, the latest invoice shows a different amount than expected. Can you explain the line items?"},
		{"Update payment method", "Our card expires next month, how do we update the payment method?"},
		{"Charged twice", "We were charged twice this month, please refund the duplicate."},
		{"VAT number on invoices", "Please add our VAT number to future invoices."},
		{"Payment failed", "Our payment failed, please retry the charge or tell us how to pay by bank transfer."},
	},
	{
		{"%s not loading", "Since this morning the %s does not load for several users. We see a spinner forever."},
		{"Error when using %s", "We get an error message every time we use the %s. Screenshot attached."},
		{"Data missing in %s", "Yesterday's data is missing from the %s."},
		{"%s is very slow", "The %s takes over a minute to respond."},
	},
	{
		{"How do I set up %s?", "Could you point us to the documentation for setting up the %s?"},
		{"Add new users", "How do we invite new users and give them the right roles?"},
		{"Export question", "Is there a way to export everything from the %s to Excel?"},
		{"Training session", "Can we book a training session on the %s for our new hires?"},
	},
	{
		{"Change account owner", "Please transfer the account ownership to our new admin."},
		{"Reset two-factor", "One of our admins lost their phone, please reset two-factor for them."},
		{"Rename workspace", "We changed our company name, please rename our workspace."},
		{"Add a second workspace", "Can we have a separate workspace for our EU team?"},
	},
}

// Critical tickets: the health job's contract_request and cancel_intent
// signals look for these phrases.
var contractTickets = [...]ticketTemplate{
	{"Can I get a copy of our contract?", "Hi, can I get a copy of our contract? Our finance team is reviewing all vendor agreements."},
	{"Please send a copy of the contract", "Please send a copy of the contract we signed, including the order form and the renewal terms."},
	{"Contract documents", "Legal asked me for a copy of our contract and the termination clause. Where can I find them?"},
}

var cancelTickets = [...]ticketTemplate{
	{"Cancel our subscription", "Hi, we want to cancel our subscription at the end of the current term. Please confirm the next steps."},
	{"We will not renew", "Heads-up: we will not renew when our contract ends. Please make sure we are not charged again."},
	{"Cancellation request", "We have decided to move to another vendor and want to cancel our subscription."},
}

// benignTickets contain the words "cancel", "renew" and "contract" in
// harmless senses, so that naive substring matching is caught out.
var benignTickets = [...]ticketTemplate{
	{"Cancelled my meeting", "I cancelled my meeting with our CSM by mistake, can we reschedule for next week?"},
	{"Meeting cancelled", "Sorry, I had to cancel my meeting today, can we find another slot?"},
	{"Renewal of API key", "How do I renew my API key before it expires?"},
	{"Contractor access", "Can we give a contractor read-only access to the dashboard?"},
	{"Cancelled export job", "I accidentally cancelled the export job, how can I restart it?"},
}
