package apis

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
)

// check type-checks a small package against the real database/sql.
func check(t *testing.T, src string) *types.Package {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := (&types.Config{Importer: importer.ForCompiler(fset, "source", nil)}).Check("x", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

func method(t *testing.T, pkg *types.Package, typ, name string) *types.Func {
	t.Helper()
	obj, _, _ := types.LookupFieldOrMethod(pkg.Scope().Lookup(typ).Type(), true, pkg, name)
	fn, ok := obj.(*types.Func)
	if !ok {
		t.Fatalf("%s.%s is not a method", typ, name)
	}
	return fn
}

const src = `package x

import (
	"context"
	"database/sql"
)

type DB = sql.DB
type Tx = sql.Tx
type Row = sql.Row
type Rows = sql.Rows
type Stmt = sql.Stmt

type DBTX interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

type row interface{ Scan(dest ...any) error }

type logger interface{ Printf(format string, args ...any) }

type Repo struct{ db *sql.DB }
`

func TestLookup(t *testing.T) {
	pkg := check(t, src)
	tests := []struct {
		typ, name string
		want      Spec
		ok        bool
	}{
		{"DB", "QueryRowContext", spec(Query, SQL).sql(1), true},
		{"DB", "Exec", spec(Exec, SQL).sql(0), true},
		{"Tx", "ExecContext", spec(Exec, SQL).sql(1), true},
		{"Tx", "Commit", spec(End, SQL), true},
		{"DB", "BeginTx", spec(Begin, SQL).opts(1), true},
		{"Row", "Scan", spec(Scan, SQL).dest(0), true},
		{"Rows", "Scan", spec(Scan, SQL).dest(0), true},
		{"Stmt", "ExecContext", spec(Exec, SQL).args(1), true},
		{"DBTX", "QueryRowContext", spec(Query, SQL).sql(1), true},
		{"DBTX", "ExecContext", spec(Exec, SQL).sql(1), true},
		{"row", "Scan", spec(Scan, SQL).dest(0), true},
		{"logger", "Printf", Spec{}, false},
		{"DB", "Ping", Spec{}, false},
	}
	for _, tt := range tests {
		got, ok := Lookup(method(t, pkg, tt.typ, tt.name))
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("Lookup(%s.%s) = %+v, %v; want %+v, %v", tt.typ, tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestHandleKindOf(t *testing.T) {
	pkg := check(t, src)
	ptr := func(name string) types.Type { return types.NewPointer(pkg.Scope().Lookup(name).Type()) }
	tests := []struct {
		t    types.Type
		want HandleKind
	}{
		{ptr("DB"), Pool},
		{ptr("Tx"), Tx},
		{ptr("Stmt"), Stmt},
		{pkg.Scope().Lookup("DBTX").Type(), Interface},
		{pkg.Scope().Lookup("logger").Type(), NotHandle},
		{ptr("Repo"), NotHandle},
		{types.Typ[types.String], NotHandle},
	}
	for _, tt := range tests {
		if got := HandleKindOf(tt.t); got != tt.want {
			t.Errorf("HandleKindOf(%s) = %v, want %v", tt.t, got, tt.want)
		}
	}
}

func TestIsSerializable(t *testing.T) {
	for level, want := range map[int64]bool{0: false, 2: false, 4: false, 6: true, 7: true} {
		if got := IsSerializable(level); got != want {
			t.Errorf("IsSerializable(%d) = %v, want %v", level, got, want)
		}
	}
}

func TestIsLibrary(t *testing.T) {
	for path, want := range map[string]bool{"database/sql": true, "database/sql/driver": true, "gorm.io/gorm": true, "gorm.io/gorm/clause": true, "gorm.io/driver/postgres": false, "example.com/app": false} {
		if got := IsLibrary(path); got != want {
			t.Errorf("IsLibrary(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestUnmodelled(t *testing.T) {
	tests := []struct {
		path string
		want string // "" when modelled or not a data library
	}{
		{"github.com/jinzhu/gorm", ""}, // modelled, as GORM v1
		{"github.com/jinzhu/gorm/dialects/postgres", ""},
		{"github.com/go-redis/redis/v8", ""}, // modelled, as v9
		{"github.com/go-redis/redis/v7", ""}, // modelled, without ctx
		{"github.com/go-redis/redis", "go-redis v6"},
		{"github.com/redis/go-redis/v9", ""},
		{"github.com/gomodule/redigo/redis", ""}, // modelled
		{"github.com/garyburd/redigo/redis", ""},
		{"github.com/redis/rueidis", "rueidis"},
		{"xorm.io/xorm", ""}, // modelled
		{"xorm.io/xorm/schemas", ""},
		{"github.com/go-xorm/xorm", ""}, // modelled, as xorm
		{"github.com/xorm-io/xorm", ""},
		{"github.com/xorm-io/xorm/schemas", ""},
		{"github.com/pocketbase/dbx", "pocketbase/dbx"},
		{"entgo.io/ent/dialect/sql", ""},                  // modelled, through the code it generates
		{"github.com/volatiletech/sqlboiler/v4/boil", ""}, // modelled, through the models it generates
		{"github.com/aarondl/sqlboiler/v4/queries/qm", ""},
		{"github.com/volatiletech/sqlboiler/boil", "sqlboiler v3"},
		{"go.mongodb.org/mongo-driver/v2/mongo", ""}, // modelled, v1 and v2
		{"go.mongodb.org/mongo-driver/mongo", ""},
		{"go.mongodb.org/mongo-driver/bson", ""},
		{"github.com/jackc/pgx/v4", ""}, // modelled, as v5
		{"github.com/jackc/pgx/v5", ""},
		{"gorm.io/gorm", ""},
		{"github.com/jinzhu/gormish", ""},
		{"database/sql", ""},
	}
	for _, tt := range tests {
		l, ok := Unmodelled(tt.path)
		if got := l.Name; got != tt.want || ok != (tt.want != "") {
			t.Errorf("Unmodelled(%q) = %q, %v; want %q", tt.path, got, ok, tt.want)
		}
	}
}
