package flow

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
	"github.com/lostupdate/lostupdate/analyzer/summary"
)

// A callModel says what a function the analysis does not summarise (the
// standard library, common helper libraries) does with the values it is
// given. A call without a model passes its arguments' labels to its
// result as opaque: the analysis does not claim a change it cannot show.
type callModel int

const (
	noModel callModel = iota
	// passThrough: the result is one of the arguments, or an argument in
	// another form (strconv.Itoa, strings.TrimSpace, cmp.Or, json.Marshal):
	// a loaded value that passes through is still that value.
	passThrough
	// decode: the pointer argument into is filled from argument from, in
	// another form (json.Unmarshal(data, &v)).
	decode
	// sprintf: the result is the arguments formatted; the same value for
	// a format of verbs alone ("%d"), a new one with other text.
	sprintf
	// arithmetic: the result is computed from the arguments, as n + d is
	// (t.Add(d), t.AddDate(0, 1, 0), t.Truncate(24*time.Hour)).
	arithmetic
)

// modelOf returns the model of a function, and for decode the indexes of
// the argument it reads and of the pointer it fills (arguments as the
// call passes them, receiver first for methods).
func modelOf(fn *types.Func) (m callModel, from, into int) {
	if fn == nil || fn.Pkg() == nil {
		return noModel, 0, 0
	}
	path, name := fn.Pkg().Path(), fn.Name()
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		name = recvName(sig.Recv().Type()) + "." + name
	}
	switch path {
	case "fmt":
		switch name {
		case "Sprintf":
			return sprintf, 0, 0
		case "Sprint", "Sprintln":
			return passThrough, 0, 0
		}
	case "encoding/json", "encoding/xml", "gopkg.in/yaml.v2", "gopkg.in/yaml.v3", "sigs.k8s.io/yaml",
		"github.com/goccy/go-json", "github.com/bytedance/sonic", "google.golang.org/protobuf/encoding/protojson",
		"google.golang.org/protobuf/proto", "github.com/vmihailenco/msgpack/v5":
		switch name {
		case "Marshal", "MarshalIndent", "MarshalToString":
			return passThrough, 0, 0
		case "Unmarshal", "UnmarshalFromString":
			return decode, 0, 1
		case "MarshalOptions.Marshal":
			return passThrough, 0, 0
		case "UnmarshalOptions.Unmarshal":
			return decode, 1, 2
		}
	case "github.com/json-iterator/go":
		// jsoniter's functions, and the methods of a configured API (the
		// receiver first).
		switch name {
		case "Marshal", "MarshalIndent", "MarshalToString", "API.Marshal", "API.MarshalIndent", "API.MarshalToString":
			return passThrough, 0, 0
		case "Unmarshal", "UnmarshalFromString":
			return decode, 0, 1
		case "API.Unmarshal", "API.UnmarshalFromString":
			return decode, 1, 2
		}
	}
	if ok, dec := apis.ReplyConverter(fn); ok {
		// redis.Int(conn.Do("GET", key)) is the value read; ScanStruct
		// copies a reply's fields into a struct.
		if dec {
			return decode, 0, 1
		}
		return passThrough, 0, 0
	}
	if pure[path] != nil && pure[path](name) {
		return passThrough, 0, 0
	}
	if computing[path] != nil && computing[path](name) {
		return arithmetic, 0, 0
	}
	return noModel, 0, 0
}

// computing lists, by package, the functions whose result is computed
// from their arguments: a time moved by a duration is a new time, as a
// count moved by one is a new count.
var computing = map[string]func(string) bool{
	"time": oneOf("Time.Add", "Time.AddDate", "Time.Truncate", "Time.Round", "Duration.Truncate", "Duration.Round"),
	// Arithmetic that cannot overflow, or that keeps cents exact: an
	// amount added to a balance read is a balance changed, also through
	// new(big.Int).Add(big.NewInt(a), big.NewInt(b)) or a.Add(b) of a
	// decimal.
	"math/big": oneOf("Int.Add", "Int.Sub", "Int.Mul", "Int.Quo", "Int.Div", "Int.Neg", "Int.Abs",
		"Float.Add", "Float.Sub", "Float.Mul", "Float.Quo", "Float.Neg", "Float.Abs",
		"Rat.Add", "Rat.Sub", "Rat.Mul", "Rat.Quo", "Rat.Neg", "Rat.Abs"),
	"github.com/shopspring/decimal": oneOf("Decimal.Add", "Decimal.Sub", "Decimal.Mul", "Decimal.Div", "Decimal.DivRound",
		"Decimal.Neg", "Decimal.Abs", "Decimal.Pow", "Sum"),
}

// recvName names the type of a method's receiver, without the pointer.
func recvName(t types.Type) string {
	t = derefType(t)
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

func oneOf(names ...string) func(string) bool {
	return func(n string) bool {
		for _, x := range names {
			if n == x {
				return true
			}
		}
		return false
	}
}

// pure lists, by package, the functions whose result is an argument in
// another form, or one of the arguments.
var pure = map[string]func(string) bool{
	"cmp":    oneOf("Or"),
	"slices": oneOf("Clone", "Clip"),
	"maps":   oneOf("Clone"),
	"strconv": func(n string) bool {
		return strings.HasPrefix(n, "Format") || strings.HasPrefix(n, "Parse") || oneOf("Itoa", "Atoi", "Quote", "Unquote", "QuoteToASCII")(n)
	},
	"strings": func(n string) bool {
		return strings.HasPrefix(n, "Trim") || strings.HasPrefix(n, "To") || oneOf("Title", "Clone")(n)
	},
	"bytes": func(n string) bool {
		return strings.HasPrefix(n, "Trim") || strings.HasPrefix(n, "To") || oneOf("Title", "Clone")(n)
	},
	"encoding/base64": oneOf("Encoding.EncodeToString", "Encoding.DecodeString"),
	"path":            oneOf("Clean"),
	"path/filepath":   oneOf("Clean", "ToSlash", "FromSlash"),
	"encoding/hex":    oneOf("EncodeToString", "DecodeString"),
	"time":            oneOf("Unix", "UnixMilli", "UnixMicro", "Time.UTC", "Time.Local", "Time.In", "Time.Unix", "Time.UnixMilli", "Time.UnixMicro", "Time.UnixNano", "Time.Format", "Duration.Seconds", "Duration.Milliseconds"),
	"github.com/samber/lo": oneOf("If", "IfF", "ifElse.ElseIf", "ifElse.ElseIfF", "ifElse.Else", "ifElse.ElseF",
		"Ternary", "TernaryF", "Coalesce", "CoalesceOrEmpty", "FromPtr", "FromPtrOr", "ToPtr", "EmptyableToPtr", "Must", "Must1", "Must2", "Must3", "Must4", "Must5", "Must6"),
	"k8s.io/utils/ptr": oneOf("To", "Deref"),
	"math/big": oneOf("NewInt", "NewFloat", "NewRat", "Int.Int64", "Int.Uint64", "Int.Set", "Int.SetInt64", "Int.SetUint64",
		"Int.String", "Float.Float64", "Float.Int64", "Float.Set", "Float.SetFloat64", "Float.SetInt64", "Float.String", "Rat.Float64"),
	"github.com/shopspring/decimal": oneOf("NewFromInt", "NewFromInt32", "NewFromFloat", "NewFromFloat32", "NewFromString",
		"RequireFromString", "New", "Decimal.IntPart", "Decimal.Float64", "Decimal.InexactFloat64", "Decimal.String",
		"Decimal.StringFixed", "Decimal.Round", "Decimal.Truncate", "Decimal.Copy"),
	"github.com/aws/aws-sdk-go/aws": func(n string) bool {
		return n != "" && (strings.HasSuffix(n, "Value") || oneOf("String", "Int", "Int64", "Bool", "Float64", "Time")(n))
	},
}

// modelCall applies a model to a call and reports whether the call had
// one.
func (c *funcCtx) modelCall(st *state, e *env, call *ssa.Call) bool {
	cc := call.Common()
	args := allArgs(cc)
	if b, ok := cc.Value.(*ssa.Builtin); ok {
		return c.builtinCall(st, e, call, b.Name(), args)
	}
	m, from, into := modelOf(calleeObj(cc))
	switch m {
	case passThrough:
		var ls labels
		flows := resultArgs(cc, len(args))
		for i, a := range args {
			if flows == nil || flows[i] {
				ls = ls.union(c.valueLabels(st, e, a)) // not lo.Ternary's condition
			}
		}
		c.setResult(call, ls)
	case arithmetic:
		var ls labels
		for _, a := range args {
			ls = ls.union(c.valueLabels(st, e, a))
		}
		c.setResult(call, c.computed(ls))
	case sprintf:
		var ls labels
		for _, a := range args {
			ls = ls.union(c.valueLabels(st, e, a))
		}
		if len(args) == 0 || !verbsOnly(args[0]) {
			ls = c.computed(ls)
		}
		c.setResult(call, ls)
	case decode:
		if into < len(args) && from < len(args) && isPointerLike(peel(args[into]).Type()) {
			base, path := c.place(st, e, peel(args[into]))
			st.set(base, path, entry{labels: c.valueLabels(st, e, args[from]), dirty: true})
		}
	default:
		return false
	}
	return true
}

// setResult gives a call's result (its first, for a tuple) the labels ls.
func (c *funcCtx) setResult(call *ssa.Call, ls labels) {
	if t, ok := call.Type().(*types.Tuple); ok {
		res := make([]labels, t.Len())
		if len(res) > 0 {
			res[0] = ls
		}
		c.callRes[call] = res
		return
	}
	c.setVal(call, ls)
}

// builtinCall applies a call of a builtin function.
func (c *funcCtx) builtinCall(st *state, e *env, call *ssa.Call, name string, args []ssa.Value) bool {
	switch name {
	case "append":
		// The elements appended are copied. A loaded list given an
		// element that is not of the same load (tags = append(tags, t))
		// is a new list; a list built from the rows of one load
		// (feeds = append(feeds, &feed)) is still those rows.
		var head, rest labels
		for i, a := range args {
			if i == 0 {
				head = c.valueLabels(st, e, a)
			} else {
				rest = rest.union(c.valueLabels(st, e, a))
			}
		}
		if len(args) > 1 {
			head = c.appendedTo(head, rest)
		}
		if len(args) == 2 && filtersOut(e, call, args[1]) {
			// groups kept but the one the request removes: a list with
			// an element taken out is a changed list.
			rest = c.computed(rest)
		}
		c.setVal(call, head.union(rest))
	case "len", "cap":
		// How many elements a value holds (rows found, entries of a list)
		// is not a value read from a column: a loop it bounds, or an
		// early return when nothing was found, checks no column.
	case "min", "max":
		var ls labels
		for _, a := range args {
			ls = ls.union(c.taint(e, a))
		}
		c.setVal(call, ls)
	case "delete", "clear":
		// The map (or slice) loses entries: a part of it changed.
		if len(args) > 0 && isPointerLike(args[0].Type()) {
			base, path := c.place(st, e, args[0])
			st.merge(base, path+"{}", entry{dirty: true})
		}
	case "copy":
		if len(args) == 2 {
			base, path := c.place(st, e, args[0])
			st.merge(base, path+"[]", entry{labels: c.valueLabels(st, e, args[1]), dirty: true})
		}
	default:
		var ls labels
		for _, a := range args {
			ls = ls.union(c.taint(e, a))
		}
		c.setVal(call, c.computed(ls))
	}
	return true
}

// filtersOut reports whether an append copies one value of a basic type
// only when it differs from a value of the program's (if v != id { kept
// = append(kept, v) }): a list rebuilt without an element the request
// names, as util.DeleteVal does. A test against a constant (v != "") only
// tidies the list, and a list of records filtered is still those rows.
func filtersOut(e *env, call *ssa.Call, added ssa.Value) bool {
	vals, ok := varargsOf(e.resolve(added))
	if !ok || len(vals) != 1 || vals[0] == nil {
		return false
	}
	v := peel(e.resolve(vals[0]))
	if b, ok := v.Type().Underlying().(*types.Basic); !ok || b.Info()&(types.IsString|types.IsInteger) == 0 {
		return false
	}
	b := call.Block()
	if b == nil || len(b.Preds) != 1 {
		return false
	}
	pred := b.Preds[0]
	if len(pred.Instrs) == 0 {
		return false
	}
	cond, ok := pred.Instrs[len(pred.Instrs)-1].(*ssa.If)
	if !ok {
		return false
	}
	cmp, ok := cond.Cond.(*ssa.BinOp)
	if !ok || cmp.Op != token.NEQ && cmp.Op != token.EQL {
		return false
	}
	// The kept branch: the true one of v != x, the false one of v == x.
	if kept := pred.Succs[0] == b; kept != (cmp.Op == token.NEQ) {
		return false
	}
	x, y := peel(e.resolve(cmp.X)), peel(e.resolve(cmp.Y))
	switch {
	case x == v:
		return !isConst(y)
	case y == v:
		return !isConst(x)
	}
	return false
}

// appendedTo returns the labels of a list head given elements labelled
// rest. A list given an element that is not of the same source is a new
// list (tags = append(tags, t)): its loads are computed. A list built
// from the rows of one load (feeds = append(feeds, &feed)) is still those
// rows.
//
// A list a caller passed in (a loaded list, appended to in a helper) is
// computed when the element is made from another part of the same
// parameter (an id made from its update time). It is not when the element
// is the parameter's own data as it is (its requested scopes granted one
// by one), nor when it comes from another parameter (GrantScope(scope)):
// what that is, only the caller knows.
func (c *funcCtx) appendedTo(head, rest labels) labels {
	if !sharesLoad(head, rest) {
		head = c.computedLoads(head)
	}
	out := make(labels, 0, len(head))
	for _, h := range head {
		switch {
		case h.Load == nil && newElement(h, rest):
			h = c.computed(labels{h})[0]
		case h.Load == nil:
			if bits := otherParams(h, rest); bits&^h.Appended != 0 {
				m := *h
				m.Appended |= bits
				h = c.label(m)
			}
		}
		out = out.union(labels{h})
	}
	return out
}

// otherParams returns, a bit each, the parameters other than h's that
// labels of rest come from: the data of another parameter appended to
// h's list.
func otherParams(h *Label, rest labels) uint64 {
	var bits uint64
	for _, l := range rest {
		if l.Load == nil && l.Param != h.Param && l.Param >= 0 && l.Param < 64 {
			bits |= 1 << l.Param
		}
	}
	return bits
}

// newElement reports whether an element labelled rest, appended to the
// list of parameter label h, is new to it: made from another part of the
// same parameter. An element with no parameter's label is not known to be
// new: a scalar argument a method appends (GrantScope(scope)) may carry
// no label of its own, and the caller, which knows what it is, sees the
// list change when it appends data of its own.
func newElement(h *Label, rest labels) bool {
	return slices.ContainsFunc(rest, func(l *Label) bool {
		return l.Load == nil && l.Param == h.Param && !strings.HasPrefix(l.PPath, h.PPath) && l.Change != summary.Copied
	})
}

// sharesLoad reports whether ls holds a label of every load of the list
// labels head: the elements appended are of the same rows. A value made
// from a row by code the analysis cannot see into (a credential a
// library makes for the user) is a value of its own, not one of them.
func sharesLoad(head, ls labels) bool {
	if len(ls) == 0 {
		return false
	}
	for _, h := range head {
		if h.Load != nil && !slices.ContainsFunc(ls, func(l *Label) bool { return l.Load == h.Load && l.Change != summary.Made }) {
			return false
		}
	}
	return true
}

// verbsOnly reports whether a format string is made of verbs alone
// ("%d", "%s%d"): formatting then changes the form of the values, not
// what they say.
func verbsOnly(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	if !ok || k.Value == nil || k.Value.Kind() != constant.String {
		return false
	}
	return printfVerb.ReplaceAllString(constant.StringVal(k.Value), "") == ""
}

// isSliceType reports whether t is a slice (nil is not).
func isSliceType(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Slice)
	return ok
}

// dropsElements reports whether a slice expression of a list keeps only a
// part of it (ids[1:], ids[:i]): not ids[:], ids[0:] or ids[:len(ids)],
// nor a part of bytes or runes, which are text (a nonce split from a
// ciphertext), not a list.
func dropsElements(s *ssa.Slice) bool {
	if !isSliceType(s.X.Type()) {
		return false
	}
	if b, ok := s.X.Type().Underlying().(*types.Slice).Elem().Underlying().(*types.Basic); ok && (b.Kind() == types.Byte || b.Kind() == types.Rune) {
		return false
	}
	if s.Low != nil {
		if k, ok := s.Low.(*ssa.Const); !ok || k.Value == nil || k.Int64() != 0 {
			return true
		}
	}
	if s.High != nil {
		call, ok := s.High.(*ssa.Call)
		if !ok {
			return true
		}
		b, ok := call.Call.Value.(*ssa.Builtin)
		return !ok || b.Name() != "len" || len(call.Call.Args) != 1 || call.Call.Args[0] != s.X
	}
	return false
}
