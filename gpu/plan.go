package gpu

import "sort"

// chunk is a range of batch rows [lo, hi) scored in one launch.
type chunk struct{ lo, hi int }

// planChunks cuts rows [start, len(rowptr)-1) into chunks of at most
// maxRows rows and maxNNZ stored values each; a row with more than maxNNZ
// values makes a chunk of its own.
func planChunks(rowptr []int32, start, maxRows, maxNNZ int) []chunk {
	rows := len(rowptr) - 1
	var out []chunk
	for lo := start; lo < rows; {
		limit := min(rows, lo+max(maxRows, 1))
		base := int64(rowptr[lo])
		// The first h in (lo, limit] whose chunk [lo, h) is over maxNNZ.
		n := sort.Search(limit-lo, func(i int) bool {
			return int64(rowptr[lo+i+1])-base > int64(maxNNZ)
		})
		hi := max(lo+n, lo+1)
		out = append(out, chunk{lo, hi})
		lo = hi
	}
	return out
}
