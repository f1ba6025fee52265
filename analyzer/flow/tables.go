package flow

import (
	"go/constant"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/lostupdate/lostupdate/analyzer/apis"
)

// modelTable returns the table key of an ORM model (GORM, bun, xorm): the
// struct type a value is, or points to, or holds a slice of. The key is
// the SQL table lib maps the model to, "sql:users", so that the model's
// loads and an UPDATE users statement meet: the name a TableName method
// returns (when this package declares it and it returns a constant), the
// name in a bun:"table:…" tag, or the ORM's default, as its row says
// (apis.TableNaming): the plural of the snake-case type name, the
// snake-case type name itself, or the table the generated package reads
// from (a fact of that package), else the plural. A TableName the
// analysis cannot read leaves the model's Go name,
// "go:example.com/shop.Product", which matches only itself.
func (a *Analysis) modelTable(t types.Type, lib apis.Lib) string {
	n, st := model(t)
	if n == nil || n.Obj().Pkg() == nil {
		return ""
	}
	if name, ok := a.tableNameMethod(n); ok {
		if name == "" {
			return "go:" + n.Obj().Pkg().Path() + "." + n.Obj().Name()
		}
		return sqlTable(name)
	}
	for i := 0; i < st.NumFields(); i++ {
		if f := st.Field(i); f.Embedded() {
			if name := apis.ReadTag(f.Name(), st.Tag(i)).Table; name != "" {
				return sqlTable(name)
			}
		}
	}
	switch lib.Info().Tables {
	case apis.Snake:
		return sqlTable(apis.SnakeCase(n.Obj().Name()))
	case apis.Generated:
		// The table the generated package's query starter reads from.
		if a.facts == nil {
			break
		}
		if name, ok := a.facts.TableName(n.Obj()); ok && name != "" {
			return sqlTable(name)
		}
	}
	return sqlTable(plural(apis.SnakeCase(n.Obj().Name())))
}

// tableNameMethod reports whether a model has a TableName method, and the
// constant it returns ("" when that is not known here).
func (a *Analysis) tableNameMethod(n *types.Named) (string, bool) {
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(n), true, n.Obj().Pkg(), "TableName")
	fn, ok := obj.(*types.Func)
	if !ok {
		return "", false
	}
	if fn.Pkg() != a.pkg.Pkg {
		if a.facts != nil {
			if name, ok := a.facts.TableName(n.Obj()); ok {
				return name, true
			}
		}
		return "", true
	}
	f := a.pkg.Prog.FuncValue(fn)
	if f == nil {
		return "", true
	}
	name := ""
	for _, b := range f.Blocks {
		if len(b.Instrs) == 0 {
			continue
		}
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		k, ok := ret.Results[0].(*ssa.Const)
		if !ok || k.Value == nil || k.Value.Kind() != constant.String || name != "" && name != constant.StringVal(k.Value) {
			return "", true
		}
		name = constant.StringVal(k.Value)
	}
	return name, true
}

// plural returns the English plural of a snake-case table name, as the
// inflection GORM and bun use does for regular nouns.
func plural(s string) string {
	head, last := "", s
	if i := strings.LastIndexByte(s, '_'); i >= 0 {
		head, last = s[:i+1], s[i+1:]
	}
	irregular := map[string]string{"person": "people", "man": "men", "woman": "women", "child": "children", "mouse": "mice", "datum": "data", "status": "statuses", "info": "info", "news": "news", "series": "series", "data": "data"}
	if p, ok := irregular[last]; ok {
		return head + p
	}
	switch {
	case strings.HasSuffix(last, "y") && len(last) > 1 && !strings.ContainsAny(last[len(last)-2:len(last)-1], "aeiou"):
		return head + last[:len(last)-1] + "ies"
	case strings.HasSuffix(last, "s"), strings.HasSuffix(last, "x"), strings.HasSuffix(last, "z"),
		strings.HasSuffix(last, "ch"), strings.HasSuffix(last, "sh"):
		return head + last + "es"
	}
	return head + last + "s"
}

// modelKeys returns the primary key columns of an ORM model: the fields
// a tag marks as the key (gorm:"primaryKey", bun:",pk", xorm:"pk") or
// that are a document's identity (bson:"_id"), else a field named ID,
// looking into embedded structs (gorm.Model).
func modelKeys(t types.Type) []string {
	_, st := model(t)
	if st == nil {
		return nil
	}
	var tagged, named []string
	eachTagged(st, func(f *types.Var, tag apis.FieldTag) {
		if tag.Key {
			tagged = append(tagged, tag.KeyColumn)
		} else if f.Name() == "ID" {
			named = append(named, tag.KeyColumn)
		}
	})
	if len(tagged) > 0 {
		return tagged
	}
	return named
}

// versionColumn returns the column of the field a tag marks as a model's
// version (xorm:"version"), or "".
func versionColumn(t types.Type) string {
	st, ok := derefType(t).Underlying().(*types.Struct)
	if !ok {
		return ""
	}
	col := ""
	eachTagged(st, func(_ *types.Var, tag apis.FieldTag) {
		if tag.Version && col == "" {
			col = tag.Column
		}
	})
	return col
}

// eachTagged calls fn with each field of a model's struct and what its
// tags say, the fields of embedded structs (gorm.Model) in their place.
func eachTagged(st *types.Struct, fn func(f *types.Var, tag apis.FieldTag)) {
	var walk func(st *types.Struct, depth int)
	walk = func(st *types.Struct, depth int) {
		for i := 0; i < st.NumFields(); i++ {
			f := st.Field(i)
			if f.Embedded() && depth < 3 {
				if inner, ok := derefType(f.Type()).Underlying().(*types.Struct); ok {
					walk(inner, depth+1)
					continue
				}
			}
			fn(f, apis.ReadTag(f.Name(), st.Tag(i)))
		}
	}
	walk(st, 0)
}

// model returns the struct type an ORM value stands for (a struct, a
// pointer to one, a slice of them), named or not.
func model(t types.Type) (*types.Named, *types.Struct) {
	for range 4 {
		switch u := types.Unalias(t).(type) {
		case *types.Pointer:
			t = u.Elem()
			continue
		case *types.Slice:
			t = u.Elem()
			continue
		case *types.Array:
			t = u.Elem()
			continue
		case *types.Named:
			if _, ok := u.Underlying().(*types.Struct); !ok {
				// type Markers []Marker: the rows of its element.
				t = u.Underlying()
				continue
			}
		}
		break
	}
	st, _ := t.Underlying().(*types.Struct)
	n, _ := types.Unalias(t).(*types.Named)
	if st == nil {
		return nil, nil
	}
	return n, st
}
