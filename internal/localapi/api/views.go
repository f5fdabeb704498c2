package api

import "strings"

// Response shaping shared by the handlers: how values are written in
// answers and messages.

// scopeName names the scope of a shared or personal object in messages.
func scopeName(shared bool) string {
	if shared {
		return "shared"
	}
	return "personal"
}

// capitalized is an ASCII noun with its first letter upper case
// ("chain" -> "Chain"), to start a message with.
func capitalized(noun string) string {
	if noun == "" {
		return noun
	}
	return strings.ToUpper(noun[:1]) + noun[1:]
}
