# Sourced by the bench scripts: registers AE Cbench on the CSE at $port and creates cse-in/bench/data with one
# contentInstance, so that .../data/la can be retrieved.
H=(-H "X-M2M-RI: 1" -H "X-M2M-RVI: 3" -H "X-M2M-Origin: Cbench")
seed_container() {
  curl -sf -X POST "http://127.0.0.1:$1/cse-in" "${H[@]}" -H 'Content-Type: application/json;ty=2' \
    -d '{"m2m:ae":{"rn":"bench","api":"Nbench","rr":false,"srv":["3"]}}' >/dev/null
  curl -sf -X POST "http://127.0.0.1:$1/cse-in/bench" "${H[@]}" -H 'Content-Type: application/json;ty=3' \
    -d '{"m2m:cnt":{"rn":"data"}}' >/dev/null
  curl -sf -X POST "http://127.0.0.1:$1/cse-in/bench/data" "${H[@]}" -H 'Content-Type: application/json;ty=4' \
    -d '{"m2m:cin":{"con":"21.5"}}' >/dev/null
}
