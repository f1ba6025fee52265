// Package modelslice loads rows into a named slice of models (type // want package:`writes labels\.uncertainty`
// Markers []Marker): the slice's rows come from the model's table, so a
// value derived from them and written to another table is not a lost
// update of the markers, while a marker changed and saved back is.
package modelslice

import (
	"gorm.io/gorm"
)

type Marker struct { // want Marker:`table markers`
	ID      uint
	FileUID string
	Score   int
	Face    bool
}

func (Marker) TableName() string { return "markers" }

// Markers are the markers of one file.
type Markers []Marker

type Label struct {
	ID          uint
	Name        string
	Uncertainty int
}

// FindMarkers loads the markers of a file.
func FindMarkers(db *gorm.DB, uid string) (Markers, error) { // want FindMarkers:`loads result 0 on param 0`
	m := Markers{}
	err := db.Where("file_uid = ?", uid).Order("id").Find(&m).Error
	return m, err
}

// Labels derives labels from the face markers.
func (m Markers) Labels() []Label { // want Labels:`result 0\[\]\.Uncertainty from param 0\[\]\.Score \(computed\)`
	faces := 0
	best := 100
	for i := range m {
		if m[i].Face {
			faces++
			best = min(best, 100-m[i].Score)
		}
	}
	if faces == 0 {
		return nil
	}
	return []Label{{Name: "people", Uncertainty: best}}
}

// AddLabels stores the labels, whatever their values came from.
func AddLabels(db *gorm.DB, labels []Label) error { // want AddLabels:`changes the database`
	for _, l := range labels {
		l := l
		if err := db.Where("name = ?", l.Name).FirstOrCreate(&l).Error; err != nil {
			return err
		}
		if err := db.Model(&l).Updates(map[string]any{"Uncertainty": l.Uncertainty}).Error; err != nil {
			return err
		}
	}
	return nil
}

// LabelFaces writes labels computed from the markers: the markers table
// is not written.
func LabelFaces(db *gorm.DB, uid string) error { // want LabelFaces:`changes the database`
	ms, err := FindMarkers(db, uid)
	if err != nil {
		return err
	}
	return AddLabels(db, ms.Labels())
}

// BumpScores changes each marker it read and saves it back: another
// request's change to a score in between is lost.
func BumpScores(db *gorm.DB, uid string) error { // want BumpScores:`changes the database`
	ms, err := FindMarkers(db, uid)
	if err != nil {
		return err
	}
	for i := range ms {
		ms[i].Score++
		if err := db.Save(&ms[i]).Error; err != nil { // want `^lost update: ms\[i\]\.Score is read at modelslice\.go:79 \(by modelslice\.FindMarkers, at modelslice\.go:32\) and written back here outside a locking transaction`
			return err
		}
	}
	return nil
}

// RaiseUncertainty names the column by its field's Go name, which GORM
// takes for the field's column: the loaded uncertainty, changed, goes
// back to uncertainty.
func RaiseUncertainty(db *gorm.DB, id uint) error { // want RaiseUncertainty:`changes the database`
	var l Label
	if err := db.First(&l, id).Error; err != nil {
		return err
	}
	return db.Model(&l).Updates(map[string]any{"Uncertainty": l.Uncertainty + 10}).Error // want `^lost update: l\.Uncertainty is read at modelslice\.go:97 and written back here outside a locking transaction.*Use an atomic update \(Update\("uncertainty", gorm\.Expr\("uncertainty \+ \?", delta\)\)\)`
}
