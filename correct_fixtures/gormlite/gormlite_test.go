package gormlite_test

import (
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"github.com/lostupdate/lostupdate/correct_fixtures/backend"
	"github.com/lostupdate/lostupdate/correct_fixtures/gormlite"
)

type note struct {
	ID   int64
	Text string
	N    int64
}

func open(t *testing.T) *gorm.DB {
	t.Helper()
	sqlDB, err := backend.OpenDB(backend.SQLite, filepath.Join(t.TempDir(), "notes.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB.Close() })
	db, err := gorm.Open(gormlite.New(sqlDB), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL, n INTEGER NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	return db
}

func TestSQL(t *testing.T) {
	db := open(t)
	tests := []struct {
		name string
		run  func(tx *gorm.DB) *gorm.DB
		want string
	}{
		{"locking is left out", func(tx *gorm.DB) *gorm.DB {
			var n note
			return tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&n, 7)
		}, `SELECT * FROM "notes" WHERE "notes"."id" = 7 ORDER BY "notes"."id" LIMIT 1`},
		{"update with an expression and returning", func(tx *gorm.DB) *gorm.DB {
			var n note
			return tx.Model(&n).Clauses(clause.Returning{}).Where("id = ? AND n >= ?", 7, 2).Update("n", gorm.Expr("n - ?", 2))
		}, `UPDATE "notes" SET "n"=n - 2 WHERE id = 7 AND n >= 2 RETURNING *`},
		{"dotted names are quoted part by part", func(tx *gorm.DB) *gorm.DB {
			var ns []note
			return tx.Table("main.notes").Find(&ns)
		}, `SELECT * FROM "main"."notes"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.TrimSpace(db.ToSQL(func(tx *gorm.DB) *gorm.DB { return tt.run(tx) }))
			if got != tt.want {
				t.Errorf("SQL\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestCreateReadUpdate(t *testing.T) {
	db := open(t)
	a, b := note{Text: `say "hi"`, N: 5}, note{Text: "it's", N: 1}
	if err := db.Create(&a).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Create(&b).Error; err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || b.ID != a.ID+1 {
		t.Fatalf("ids after Create: %d, %d; want consecutive ids from the database", a.ID, b.ID)
	}
	var got note
	res := db.Model(&got).Clauses(clause.Returning{}).Where("id = ? AND n >= ?", a.ID, 2).Update("n", gorm.Expr("n - ?", 2))
	if res.Error != nil || res.RowsAffected != 1 || got.N != 3 || got.Text != `say "hi"` {
		t.Errorf("conditional update = %+v, rows %d, %v; want n 3 returned", got, res.RowsAffected, res.Error)
	}
	res = db.Model(&note{}).Where("id = ? AND n >= ?", b.ID, 2).Update("n", gorm.Expr("n - ?", 2))
	if res.Error != nil || res.RowsAffected != 0 {
		t.Errorf("update whose condition fails: rows %d, %v; want 0 rows", res.RowsAffected, res.Error)
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		var n note
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&n, b.ID).Error; err != nil {
			return err
		}
		n.N += 10
		return tx.Save(&n).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	var check note
	if err := db.First(&check, b.ID).Error; err != nil || check.N != 11 || check.Text != "it's" {
		t.Errorf("after the transaction: %+v, %v; want n 11", check, err)
	}
	if err := db.First(&check, 999).Error; err != gorm.ErrRecordNotFound {
		t.Errorf("First(999) = %v, want gorm.ErrRecordNotFound", err)
	}
}

func TestNestedTransactionRollsBackToSavepoint(t *testing.T) {
	db := open(t)
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&note{Text: "kept", N: 1}).Error; err != nil {
			return err
		}
		inner := tx.Transaction(func(tx *gorm.DB) error {
			if err := tx.Create(&note{Text: "dropped", N: 2}).Error; err != nil {
				return err
			}
			return gorm.ErrInvalidData
		})
		if inner != gorm.ErrInvalidData {
			t.Errorf("inner transaction = %v, want its own error", inner)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	if err := db.Model(&note{}).Order("id").Pluck("text", &texts).Error; err != nil {
		t.Fatal(err)
	}
	if strings.Join(texts, ",") != "kept" {
		t.Errorf("notes after a rolled-back savepoint: %q, want only \"kept\"", texts)
	}
}
