package configfile

import (
	"fmt"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A Function declares what one of the project's functions does with its
// data, for a function the analysis cannot see into or does not
// understand: one that calls a library lostupdate does not model, a cgo
// binding, a remote service. Its calls are then judged by the
// declaration, as a function whose code was analysed would be by its
// summary.
type Function struct {
	// Name is the function as go/types spells it in full:
	// "example.com/app/store.Balance" or
	// "(*example.com/app/store.Repo).SaveBalance".
	Name string
	// Line is the line of the declaration, for messages.
	Line int
	// Loads says where the function returns what it read: a result (0
	// for the first) or a pointer parameter it fills; Saves the
	// parameter whose value it writes. -1 when it does neither.
	LoadsResult, LoadsParam, Saves int
	// Table and Column say what it reads or writes: the table (required
	// with loads and saves) and the column (when the value is one
	// column; a saved record writes its fields).
	Table, Column string
	// Handle is the parameter that is the database handle it uses, -1
	// when it uses one of its own.
	Handle int
	// Locks is the parameter that is the handle on which it takes a row
	// lock, held until that transaction ends, -1 when it takes none.
	Locks int
	// Transaction is the function parameter it runs in a transaction,
	// -1 when none.
	Transaction int
	// Serializes says that it takes a lock every writer of the same data
	// takes, held until the caller returns: an application's own lock (a
	// lock document, a lease, a distributed mutex), like an advisory lock.
	Serializes bool
}

// functionKeys are the keys of a function's declaration.
var functionKeys = []string{"column", "handle", "loads", "locks", "runs-in-transaction", "saves", "serializes", "table"}

// funcName matches a function's full name: a package path and a name, or
// a method of a (pointer to a) named type.
var funcName = regexp.MustCompile(`^(\(\*?[^()\s*]+\.[A-Za-z_][A-Za-z0-9_]*\)\.[A-Za-z_][A-Za-z0-9_]*|[^()\s*]+\.[A-Za-z_][A-Za-z0-9_]*)$`)

// functions decodes the functions key: a mapping of full function names
// to what each does.
func functions(v *yaml.Node) ([]Function, error) {
	if v.Kind != yaml.MappingNode {
		return nil, fmt.Errorf(`%d: functions must map full function names ("example.com/app/store.Balance") to what each does (%s)`, v.Line, strings.Join(functionKeys, ", "))
	}
	var out []Function
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, d := v.Content[i], v.Content[i+1]
		f := Function{Name: k.Value, Line: k.Line, LoadsResult: -1, LoadsParam: -1, Saves: -1, Handle: -1, Locks: -1, Transaction: -1}
		if !funcName.MatchString(f.Name) {
			return nil, fmt.Errorf(`%d: %q is not a full function name: write the package path and the name ("example.com/app/store.Balance"), or a method as "(*example.com/app/store.Repo).Save"`, k.Line, f.Name)
		}
		if d.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%d: %s: say what it does with a mapping of %s", d.Line, f.Name, strings.Join(functionKeys, ", "))
		}
		for j := 0; j+1 < len(d.Content); j += 2 {
			key, val := d.Content[j], d.Content[j+1]
			var err error
			switch key.Value {
			case "loads":
				var kind string
				var n int
				kind, n, err = position(val, "loads", "result", "param")
				if kind == "result" {
					f.LoadsResult = n
				} else {
					f.LoadsParam = n
				}
			case "saves":
				_, f.Saves, err = position(val, "saves", "param")
			case "handle":
				_, f.Handle, err = position(val, "handle", "param")
			case "locks":
				_, f.Locks, err = position(val, "locks", "param")
			case "runs-in-transaction":
				_, f.Transaction, err = position(val, "runs-in-transaction", "param")
			case "serializes":
				if val.Kind != yaml.ScalarNode || val.Tag != "!!bool" {
					err = fmt.Errorf("%d: serializes must be true or false", val.Line)
				} else {
					f.Serializes = val.Value == "true"
				}
			case "table", "column":
				if val.Kind != yaml.ScalarNode || val.Tag != "!!str" || !token.IsIdentifier(strings.ReplaceAll(val.Value, ".", "_")) {
					err = fmt.Errorf("%d: %s must be a name (users, public.users)", val.Line, key.Value)
				} else if key.Value == "table" {
					f.Table = val.Value
				} else {
					f.Column = val.Value
				}
			default:
				err = fmt.Errorf("%d: %s: unknown key %q: the keys are %s", key.Line, f.Name, key.Value, strings.Join(functionKeys, ", "))
			}
			if err != nil {
				return nil, err
			}
		}
		switch {
		case f.LoadsResult < 0 && f.LoadsParam < 0 && f.Saves < 0 && f.Locks < 0 && f.Transaction < 0 && !f.Serializes:
			return nil, fmt.Errorf("%d: %s: say what it does: loads, saves, locks, serializes or runs-in-transaction", k.Line, f.Name)
		case (f.LoadsResult >= 0 || f.LoadsParam >= 0 || f.Saves >= 0) && f.Table == "":
			return nil, fmt.Errorf("%d: %s: name the table it reads or writes (table: accounts)", k.Line, f.Name)
		}
		if slices.ContainsFunc(out, func(o Function) bool { return o.Name == f.Name }) {
			return nil, fmt.Errorf("%d: %s is declared twice", k.Line, f.Name)
		}
		out = append(out, f)
	}
	return out, nil
}

// position decodes "result N" or "param N" (N from 0), of the kinds
// allowed.
func position(v *yaml.Node, what string, kinds ...string) (string, int, error) {
	want := make([]string, len(kinds))
	for i, k := range kinds {
		want[i] = strconv.Quote(k + " N")
	}
	bad := fmt.Errorf("%d: %s must be %s, counting from 0", v.Line, what, strings.Join(want, " or "))
	if v.Kind != yaml.ScalarNode {
		return "", 0, bad
	}
	kind, num, ok := strings.Cut(strings.TrimSpace(v.Value), " ")
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if !ok || err != nil || n < 0 || !slices.Contains(kinds, kind) {
		return "", 0, bad
	}
	return kind, n, nil
}
