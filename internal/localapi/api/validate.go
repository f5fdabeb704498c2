package api

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// Field checks shared by the handlers. Each adds FastAPI-shaped 422
// entries ({loc, msg, type}) to errs under loc.

// routingString checks a string field's presence and length (in
// characters, at least 1 when required) and returns its value.
func routingString(v *string, required bool, max int, errs *validationErrors, loc ...any) string {
	if v == nil {
		if required {
			errs.add("Field required", "missing", loc...)
		}
		return ""
	}
	n := utf8.RuneCountInString(*v)
	switch {
	case required && n == 0:
		errs.add("String should have at least 1 character", "string_too_short", loc...)
	case n > max:
		errs.add(fmt.Sprintf("String should have at most %d characters", max), "string_too_long", loc...)
	}
	return *v
}

// routingPositive checks an optional integer is at least 1.
func routingPositive(v *int64, errs *validationErrors, loc ...any) {
	if v != nil && *v < 1 {
		errs.add("Input should be greater than or equal to 1", "greater_than_equal", loc...)
	}
}

// routingChoice checks v is one of allowed (when set) and returns it or def.
func routingChoice(v *string, def string, allowed []string, errs *validationErrors, loc ...any) string {
	if v == nil {
		return def
	}
	if !slices.Contains(allowed, *v) {
		errs.add("Input should be "+quotedList(allowed), "literal_error", loc...)
	}
	return *v
}

// routingLoc is loc followed by more, in a new slice.
func routingLoc(loc []any, more ...any) []any {
	return append(slices.Clone(loc), more...)
}
